using Xainomaly.Cli;
using Xainomaly.Data;

namespace Xainomaly.Tests.Cli;

public sealed class CliErabTests
{
    [Fact]
    public void SimulateLteErabWritesCsvAndJsonLinesAndTrainReadsTheCsvWithoutFlags()
    {
        var dir = TestPaths.TempDir();
        var csv = Path.Combine(dir, "erab.csv");
        var r = CliRunner.Run("simulate", "--scenario", "lte-erab", "--enodebs", "2", "--days", "14", "--seed", "4", "--out", csv, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = r.Json();
        Assert.Equal("simulate", json.EnumerateObject().First().Value.GetString());
        Assert.Equal("lte-erab", json.GetProperty("scenario").GetString());
        Assert.Equal(2 * 14 * 24, json.GetProperty("rows").GetInt32());
        int anomalies = json.GetProperty("anomalies").GetInt32();
        Assert.Equal(2 * (int)Math.Round(14 * 24 * (524.0 / 4464)), anomalies);

        var table = KpiTableReader.Read(csv, new KpiReadOptions { RequireLabel = true });
        Assert.Equal(anomalies, table.Labels().Sum());
        Assert.Equal(ColumnRole.Timestamp, table["measTimeStampRf"].Role);

        var again = Path.Combine(dir, "again.csv");
        Assert.Equal(0, CliRunner.Run("simulate", "--scenario", "lte-erab", "--days", "14", "--seed", "4", "--out", again).ExitCode);
        Assert.Equal(File.ReadAllBytes(csv), File.ReadAllBytes(again));

        var jsonl = Path.Combine(dir, "erab.jsonl");
        Assert.Equal(0, CliRunner.Run("simulate", "--scenario", "lte-erab", "--days", "14", "--seed", "4", "--out", jsonl).ExitCode);
        var lines = File.ReadAllLines(jsonl);
        Assert.Equal(2 * 14 * 24, lines.Length);
        using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.Equal("2019-01-07T00:00:00", first.RootElement.GetProperty("measTimeStampRf").GetString());
        Assert.Equal("eNB-1", first.RootElement.GetProperty("enodeb").GetString());
        Assert.Equal(table["erab_drop_rate"].Numbers![0], first.RootElement.GetProperty("erab_drop_rate").GetDouble());

        var model = Path.Combine(dir, "mlp.xai");
        var t = CliRunner.Run("train", "--data", csv, "--model", "mlp", "--steps", "300", "--seed", "1", "--out", model, "--json");
        Assert.True(t.ExitCode == 0, t.Stderr);
        Assert.True(t.Json().GetProperty("test").GetProperty("rocAuc").GetDouble() > 0.8);
    }

    [Theory]
    [InlineData("--enodebs", "0", "--enodebs")]
    [InlineData("--days", "-1", "--days")]
    [InlineData("--days", "0", "--days")]
    [InlineData("--anomaly-rate", "0.9", "--anomaly-rate")]
    [InlineData("--ues", "5", "--ues")]
    public void BadLteErabOptionsAreUsageErrors(string option, string value, string named)
    {
        var r = CliRunner.Run("simulate", "--scenario", "lte-erab", option, value, "--out", Path.Combine(TestPaths.TempDir(), "x.csv"), "--json");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(named, r.Json().GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void LteErabOptionsOnUeTrafficAreUsageErrors()
    {
        var r = CliRunner.Run("simulate", "--enodebs", "2", "--out", Path.Combine(TestPaths.TempDir(), "x.csv"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--enodebs", r.Stderr);
    }
}

public sealed class CliQoeTests
{
    [Fact]
    public void TrainQoeWritesAModelThatLoadsAndReportsHeldOutFit()
    {
        var dir = TestPaths.TempDir();
        var path = Path.Combine(dir, "qoe.xai");
        var r = CliRunner.Run("train", "--model", "qoe", "--data", TestPaths.Data("valid.csv"), "--steps", "1500", "--seed", "2", "--out", path, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var json = r.Json();
        Assert.Equal("train", json.EnumerateObject().First().Value.GetString());
        Assert.Equal("qoe", json.GetProperty("kind").GetString());
        var test = json.GetProperty("test");
        Assert.Equal(1966, test.GetProperty("rows").GetInt32());
        Assert.True(test.GetProperty("r2").GetDouble() > 0.4, test.ToString());
        var model = Xainomaly.Detection.QoePredictor.Load(path);
        Assert.Equal(test.GetProperty("r2").GetDouble(), model.Info["test"]!["r2"]!.GetValue<double>());

        // The QoE model is not a detector: evaluate refuses it with a clear message.
        var e = CliRunner.Run("evaluate", "--model", path, "--data", TestPaths.Data("valid.csv"));
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Contains("qoe", e.Stderr);
    }

    [Fact]
    public void TrainQoeOnDataWithoutRadioColumnsIsBadInput()
    {
        var dir = TestPaths.TempDir();
        var csv = Path.Combine(dir, "erab.csv");
        Assert.Equal(0, CliRunner.Run("simulate", "--scenario", "lte-erab", "--days", "3", "--out", csv).ExitCode);
        var r = CliRunner.Run("train", "--model", "qoe", "--data", csv, "--out", Path.Combine(dir, "q.xai"), "--json");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("rsrp", r.Json().GetProperty("error").GetProperty("message").GetString());
        var bad = CliRunner.Run("train", "--model", "qoe", "--data", TestPaths.Data("valid.csv"), "--steps", "0", "--out", Path.Combine(dir, "q.xai"));
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
    }
}
