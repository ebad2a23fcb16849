namespace Xainomaly.Service.Tests;

/// <summary>Paths and servers the integration tests use (set by scripts/test.sh; defaults when unset).</summary>
internal static class TestEnv
{
    /// <summary>The Chromium binary (XAINOMALY_CHROMIUM).</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("XAINOMALY_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";

    /// <summary>A fresh temporary directory for one test.</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "xainomaly-service-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Where tests leave artefacts worth looking at (screenshots): the test results directory.</summary>
    public static string ResultsDir()
    {
        var d = Environment.GetEnvironmentVariable("XAINOMALY_TEST_RESULTS") is { Length: > 0 } r
            ? r
            : Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(d);
        return d;
    }
}
