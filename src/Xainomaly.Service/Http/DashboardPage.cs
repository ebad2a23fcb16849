namespace Xainomaly.Service.Http;

/// <summary>The dashboard: one static HTML page embedded in the assembly (no CDN, no build step).</summary>
internal static class DashboardPage
{
    private static readonly Lazy<byte[]> Page = new(Load);

    public static byte[] Html => Page.Value;

    private static byte[] Load()
    {
        using var s = typeof(DashboardPage).Assembly.GetManifestResourceStream("Xainomaly.Service.Dashboard.index.html")
            ?? throw new InvalidOperationException("The dashboard page is missing from the assembly (build error).");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
