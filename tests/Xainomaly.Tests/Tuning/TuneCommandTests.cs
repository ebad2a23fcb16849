using Xainomaly.Tests.Cli;

namespace Xainomaly.Tests.Tuning;

public sealed class TuneCommandTests
{
    [Fact]
    public void TuneWritesRankedResultsAndRefitsTheWinner()
    {
        var dir = TestPaths.TempDir();
        var data = Path.Combine(dir, "kpi.csv");
        File.WriteAllText(data, TuningFixture.Csv(300, 7));
        var grid = Path.Combine(dir, "grid.yaml");
        File.WriteAllText(grid, "layers: [1, 2]\n");
        var outDir = Path.Combine(dir, "out");
        var r = CliRunner.Run("tune", "--data", data, "--labels", "45", "--grid", grid, "--folds", "3", "--max-steps", "30", "--batch-size", "32", "--seed", "2", "--out", outDir, "--refit", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = r.Json();
        using (var e = json.EnumerateObject())
        {
            Assert.True(e.MoveNext());
            Assert.Equal("command", e.Current.Name);
            Assert.Equal("tune", e.Current.Value.GetString());
        }
        Assert.Equal(3, json.GetProperty("configurations").GetInt32()); // two grid points and the paper defaults
        Assert.Equal(30, json.GetProperty("maxSteps").GetInt32());
        var ranked = json.GetProperty("ranked");
        Assert.Equal(3, ranked.GetArrayLength());
        Assert.Equal(3, ranked[0].GetProperty("uar").GetProperty("folds").GetArrayLength());
        Assert.True(ranked[0].GetProperty("mean").GetDouble() >= ranked[2].GetProperty("mean").GetDouble());
        var test = json.GetProperty("refit").GetProperty("best").GetProperty("test");
        Assert.InRange(test.GetProperty("uar").GetDouble(), 0, 1);
        Assert.True(File.Exists(Path.Combine(outDir, "tune-best.xai")));
        foreach (var f in new[] { "tune.md", "tune.csv", "tune.json" }) Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        Assert.Contains("\"command\": \"tune\"", File.ReadAllText(Path.Combine(outDir, "tune.json")), StringComparison.Ordinal);

        // A second run reuses every configuration.
        var again = CliRunner.Run("tune", "--data", data, "--labels", "45", "--grid", grid, "--folds", "3", "--max-steps", "30", "--batch-size", "32", "--seed", "2", "--out", outDir, "--json");
        Assert.Equal(0, again.ExitCode);
        foreach (var t in again.Json().GetProperty("ranked").EnumerateArray()) Assert.True(t.GetProperty("reused").GetBoolean());
    }

    [Fact]
    public void BadGridAndBadFlagsAreOneLineErrors()
    {
        var dir = TestPaths.TempDir();
        var data = Path.Combine(dir, "kpi.csv");
        File.WriteAllText(data, TuningFixture.Csv(120, 8));
        var grid = Path.Combine(dir, "grid.json");
        File.WriteAllText(grid, "{\"layers\":[1],\"optimiser\":[\"adam\"]}");
        var r = CliRunner.Run("tune", "--data", data, "--grid", grid, "--out", Path.Combine(dir, "o"), "--json");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("unknown parameter 'optimiser'", r.Json().GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("tune", "--data", data, "--out", Path.Combine(dir, "o")).ExitCode); // neither --grid nor --preset
        Assert.Equal(2, CliRunner.Run("tune", "--data", data, "--preset", "wide", "--out", Path.Combine(dir, "o")).ExitCode);
        Assert.Equal(2, CliRunner.Run("tune", "--data", data, "--preset", "depth", "--objective", "auc", "--out", Path.Combine(dir, "o")).ExitCode);
    }
}
