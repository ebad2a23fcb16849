namespace Xainomaly.Bench;

/// <summary>Where the benchmarks find the repository and the shared data (../shared/data beside the repository).</summary>
internal static class BenchPaths
{
    /// <summary>The repository root (the folder holding Xainomaly.slnx).</summary>
    public static string RepoRoot()
    {
        // BenchmarkDotNet runs from a generated project below bin/, so walk up from both the binary and the working directory.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Repository root (Xainomaly.slnx) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The shared data folder.</summary>
    public static string Data() => Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "data"));
}
