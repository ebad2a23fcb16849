namespace Xainomaly.Tests;

/// <summary>Locates the repository root and the shared data beside it (../shared from the root).</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Xainomaly.slnx) not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>../shared/data from the repository root.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>../shared/reference from the repository root.</summary>
    public static string SharedReference => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "reference"));

    /// <summary>A file in ../shared/data.</summary>
    public static string Data(string file) => Path.Combine(SharedData, file);

    /// <summary>A fresh temporary directory for one test.</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "xainomaly-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
