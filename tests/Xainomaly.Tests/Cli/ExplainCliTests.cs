using System.Text.Json;

using Xainomaly.Cli;

namespace Xainomaly.Tests.Cli;

public sealed class ExplainCliTests
{
    // One simulated data set, one SS-DeepCAE and one explainer shared by the tests (each takes a second or two).
    private static readonly Lazy<(string Dir, string Data, string Model, string Explainer)> Fixture = new(() =>
    {
        var dir = TestPaths.TempDir();
        var data = Path.Combine(dir, "sim.csv");
        Assert.Equal(0, CliRunner.Run("simulate", "--ues", "10", "--seconds", "30", "--seed", "1", "--out", data).ExitCode);
        var model = Path.Combine(dir, "m.xai");
        var t = CliRunner.Run("train", "--data", data, "--model", "ss-deepcae", "--labels", "100", "--steps", "100", "--seed", "1", "--out", model);
        Assert.True(t.ExitCode == 0, t.Stderr);
        var explainer = Path.Combine(dir, "m.fastshap");
        var f = CliRunner.Run("fit-explainer", "--model", model, "--data", data, "--out", explainer, "--epochs", "3", "--kmeans", "6", "--coalitions", "4", "--hidden-width", "16", "--seed", "1");
        Assert.True(f.ExitCode == 0, f.Stderr);
        return (dir, data, model, explainer);
    });

    [Fact]
    public void FitExplainerPrintsItsSummaryAsJson()
    {
        var (dir, data, model, _) = Fixture.Value;
        var r = CliRunner.Run("fit-explainer", "--model", model, "--data", data, "--out", Path.Combine(dir, "b.fastshap"), "--epochs", "2", "--background", "8", "--coalitions", "2", "--hidden-width", "16", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json();
        Assert.Equal("command", j.EnumerateObject().First().Name);
        Assert.Equal("fit-explainer", j.GetProperty("command").GetString());
        Assert.Equal(8, j.GetProperty("background").GetInt32());
        Assert.Equal("sample", j.GetProperty("backgroundKind").GetString());
        Assert.Equal(j.GetProperty("epochs").GetInt32(), j.GetProperty("lossHistory").GetArrayLength());
        Assert.True(j.GetProperty("bestValidationLoss").GetDouble() >= 0);
        Assert.True(File.Exists(Path.Combine(dir, "b.fastshap")));
    }

    [Fact]
    public void ExplainFastShapCWritesRowsAggregateFileAndPlots()
    {
        var (dir, data, model, explainer) = Fixture.Value;
        var outDir = Path.Combine(dir, "out-c");
        var plots = Path.Combine(dir, "plots-c");
        var r = CliRunner.Run("explain", "--model", model, "--data", data, "--explainer", explainer, "--method", "fastshap-c", "--rows", "12",
            "--coalitions", "16", "--out", outDir, "--plots", plots, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json();
        Assert.Equal("command", j.EnumerateObject().First().Name);
        Assert.Equal("explain", j.GetProperty("command").GetString());
        Assert.Equal("fastshap-c", j.GetProperty("method").GetString());
        int d = j.GetProperty("features").GetArrayLength();
        var rows = j.GetProperty("rows");
        Assert.Equal(12, rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            var values = row.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(d, values.Length);
            double gap = row.GetProperty("output").GetDouble() - row.GetProperty("baseValue").GetDouble() - values.Sum();
            Assert.True(Math.Abs(gap) < 1e-9, $"efficiency gap {gap}");
            Assert.True(row.GetProperty("cs").GetDouble() >= 0);
            Assert.True(row.GetProperty("em").GetDouble() >= 0);
            Assert.True(row.TryGetProperty("efficiencyGap", out _));
        }
        Assert.True(j.GetProperty("aggregate").GetProperty("cs").GetProperty("p90").GetDouble() >= 0);
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "explain.json"))).RootElement;
        Assert.Equal(j.GetProperty("rows").GetRawText(), file.GetProperty("rows").GetRawText());
        var written = Directory.GetFiles(plots).Select(Path.GetFileName).ToHashSet();
        Assert.Contains("fastshap-c-summary.png", written);
        Assert.Contains("fastshap-c-summary.svg", written);
        Assert.Contains("fastshap-c-mean-abs.svg", written);
        Assert.Equal(10, written.Count(f => f!.StartsWith("fastshap-c-waterfall-", StringComparison.Ordinal) && f.EndsWith(".png", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("kernel")]
    [InlineData("permutation")]
    [InlineData("fastshap")]
    public void ExplainOtherMethodsAndTheTerminalView(string method)
    {
        var (_, data, model, explainer) = Fixture.Value;
        var args = new List<string> { "explain", "--model", model, "--data", data, "--method", method, "--rows", "2", "--background", "10", "--coalitions", "64", "--top", "3" };
        if (method == "fastshap") args.AddRange(["--explainer", explainer]);
        var r = CliRunner.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("row 0: f(x) =", r.Stdout);
        Assert.Contains("other features", r.Stdout);
        Assert.Contains($"with {method}", r.Stdout);
    }

    [Fact]
    public void ExplainAnomaliesExplainsOnlyFlaggedRows()
    {
        var (_, data, model, explainer) = Fixture.Value;
        var r = CliRunner.Run("explain", "--model", model, "--data", data, "--explainer", explainer, "--anomalies", "--rows", "5", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = r.Json().GetProperty("rows");
        Assert.InRange(rows.GetArrayLength(), 1, 5);
        var score = CliRunner.Run("evaluate", "--model", model, "--data", data, "--json");
        Assert.Equal(0, score.ExitCode);
        foreach (var row in rows.EnumerateArray()) Assert.True(row.GetProperty("output").GetDouble() > 0);
    }

    [Fact]
    public void BadInputGivesClearErrorsAndExitCodes()
    {
        var (dir, data, model, explainer) = Fixture.Value;

        var noExplainer = CliRunner.Run("explain", "--model", model, "--data", data, "--method", "fastshap-c", "--json");
        Assert.Equal(ExitCodes.Usage, noExplainer.ExitCode);
        Assert.Contains("model without explainer: run xainomaly fit-explainer", noExplainer.Json().GetProperty("error").GetProperty("message").GetString());

        var zeroRows = CliRunner.Run("explain", "--model", model, "--data", data, "--rows", "0");
        Assert.Equal(ExitCodes.Usage, zeroRows.ExitCode);
        Assert.Contains("--rows 0", zeroRows.Stderr);

        var wrongKind = CliRunner.Run("explain", "--model", model, "--data", data, "--explainer", model, "--method", "fastshap");
        Assert.Equal(ExitCodes.BadInput, wrongKind.ExitCode);
        Assert.Contains("not a FastSHAP explainer", wrongKind.Stderr);

        var other = Path.Combine(dir, "other.xai");
        Assert.Equal(0, CliRunner.Run("train", "--data", data, "--model", "iforest", "--trees", "10", "--seed", "3", "--out", other).ExitCode);
        var mismatch = CliRunner.Run("explain", "--model", other, "--data", data, "--explainer", explainer);
        Assert.Equal(ExitCodes.BadInput, mismatch.ExitCode);
        Assert.Contains("fitted for another detector model", mismatch.Stderr);

        var exact = CliRunner.Run("explain", "--model", model, "--data", data, "--method", "exact", "--rows", "1");
        Assert.Equal(ExitCodes.Usage, exact.ExitCode);
        Assert.Contains("exceeds the limit", exact.Stderr);

        var probability = CliRunner.Run("fit-explainer", "--model", other, "--data", data, "--out", Path.Combine(dir, "p.fastshap"), "--output", "probability");
        Assert.Equal(ExitCodes.Usage, probability.ExitCode);
        Assert.Contains("no anomaly probability", probability.Stderr);

        var both = CliRunner.Run("fit-explainer", "--model", model, "--data", data, "--out", Path.Combine(dir, "q.fastshap"), "--background", "5", "--kmeans", "5");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);

        var method = CliRunner.Run("explain", "--model", model, "--data", data, "--method", "lime");
        Assert.Equal(ExitCodes.Usage, method.ExitCode);

        var missing = CliRunner.Run("explain", "--model", model, "--data", Path.Combine(dir, "nope.csv"), "--json");
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Equal("bad-input", missing.Json().GetProperty("error").GetProperty("kind").GetString());
    }
}
