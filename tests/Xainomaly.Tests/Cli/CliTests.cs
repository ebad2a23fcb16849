using System.CommandLine;
using System.Text.Json;

using Xainomaly.Cli;

namespace Xainomaly.Tests.Cli;

public sealed class CliTests
{
    public static TheoryData<string> AllCommands()
    {
        var data = new TheoryData<string>();
        var root = CliApp.BuildRoot(new CliHost(TextWriter.Null, TextWriter.Null));
        foreach (var c in root.Subcommands) data.Add(c.Name);
        return data;
    }

    [Fact]
    public void RootHelpListsEveryCommand()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var name in new[] { "inspect", "simulate", "train", "evaluate", "score", "sweep", "demo" }) Assert.Contains(name, r.Stdout);
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public void EveryCommandHasHelp(string command)
    {
        var r = CliRunner.Run(command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Stdout);
        Assert.Contains(command, r.Stdout);
    }

    [Fact]
    public void NoCommandIsAUsageError()
    {
        var r = CliRunner.Run();
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--help", r.Stderr);
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var r = CliRunner.Run("inspect", TestPaths.Data("valid.csv"), "--no-such-option");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--no-such-option", r.Stderr);
    }

    [Fact]
    public void UsageErrorWithJsonPrintsOneJsonObject()
    {
        var r = CliRunner.Run("simulate", "--ues", "many", "--json");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal("usage", r.Json().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void MissingFileIsBadInput()
    {
        var r = CliRunner.Run("inspect", "/nonexistent/kpis.csv");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("/nonexistent/kpis.csv", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // one line, no stack trace
    }

    [Fact]
    public void RaggedCsvIsBadInputNamingTheLine()
    {
        var dir = TestPaths.TempDir();
        var path = Path.Combine(dir, "ragged.csv");
        File.WriteAllText(path, "a,b,label\n1,2,0\n3,4\n");
        var r = CliRunner.Run("inspect", path, "--json");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        var message = r.Json().GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("ragged.csv", message);
        Assert.Contains("line 3", message);
    }

    [Fact]
    public void InspectValidCsvAsJson()
    {
        var r = CliRunner.Run("inspect", TestPaths.Data("valid.csv"), "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json();
        Assert.Equal(9830, json.GetProperty("rows").GetInt32());
        var label = json.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("role").GetString() == "Label");
        Assert.Equal("Anomaly", label.GetProperty("name").GetString());
        Assert.Equal(2485.0 / 9830.0, label.GetProperty("labelRate").GetDouble(), 1e-9);
        var rsrp = json.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "rsrp");
        Assert.Equal("Numeric", rsrp.GetProperty("role").GetString());
        Assert.True(rsrp.GetProperty("min").GetDouble() < -140);
    }

    [Fact]
    public void InspectPrintsATable()
    {
        var r = CliRunner.Run("inspect", TestPaths.Data("valid.csv"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("rssinr_nb4", r.Stdout);
        Assert.Contains("Identifier", r.Stdout);
        Assert.Contains("25.28%", r.Stdout);
    }

    [Fact]
    public void SimulateThenInspectRoundTripsBothFormats()
    {
        var dir = TestPaths.TempDir();
        foreach (var name in new[] { "sim.csv", "sim.jsonl", "sim.jsonl.gz" })
        {
            var path = Path.Combine(dir, name);
            var s = CliRunner.Run("simulate", "--ues", "5", "--seconds", "10", "--seed", "3", "--out", path, "--json");
            Assert.Equal(0, s.ExitCode);
            int rows = s.Json().GetProperty("rows").GetInt32();
            Assert.True(rows > 0);
            var i = CliRunner.Run("inspect", path, "--json");
            Assert.Equal(0, i.ExitCode);
            Assert.Equal(rows, i.Json().GetProperty("rows").GetInt32());
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "sim.csv")), Rerun(dir));
    }

    private static byte[] Rerun(string dir)
    {
        var path = Path.Combine(dir, "again.csv");
        Assert.Equal(0, CliRunner.Run("simulate", "--ues", "5", "--seconds", "10", "--seed", "3", "--out", path).ExitCode);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void SimulateRejectsUnknownExtension()
    {
        var r = CliRunner.Run("simulate", "--out", Path.Combine(TestPaths.TempDir(), "x.txt"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(".csv", r.Stderr);
    }

    [Fact]
    public void DemoQuickRunsEndToEnd()
    {
        var dir = TestPaths.TempDir();
        var r = CliRunner.Run("demo", "--quick", "--out", dir, "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json();
        Assert.True(json.GetProperty("data").GetProperty("rows").GetInt32() > 0);
        Assert.True(File.Exists(Path.Combine(dir, "ue-traffic.csv")));
    }

    [Fact]
    public void DemoOnRealData()
    {
        var r = CliRunner.Run("demo", "--quick", "--data", TestPaths.Data("valid.csv"), "--out", TestPaths.TempDir(), "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(9830, r.Json().GetProperty("data").GetProperty("rows").GetInt32());
    }
}

public sealed class CliDetectionTests
{
    private static readonly Lazy<string> SimulatedCsv = new(() =>
    {
        var path = Path.Combine(TestPaths.TempDir(), "sim.csv");
        Assert.Equal(0, CliRunner.Run("simulate", "--ues", "8", "--seconds", "30", "--seed", "2", "--out", path).ExitCode);
        return path;
    });

    [Theory]
    [InlineData("ss-deepcae")]
    [InlineData("iforest")]
    public void TrainEvaluateScoreRoundTrip(string kind)
    {
        var dir = TestPaths.TempDir();
        var model = Path.Combine(dir, "model.bin");
        var t = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", kind, "--labels", "100", "--steps", "300", "--seed", "1", "--out", model, "--json");
        Assert.True(t.ExitCode == 0, t.Stderr);
        var train = t.Json();
        Assert.Equal(kind, train.GetProperty("kind").GetString());
        Assert.True(train.GetProperty("test").GetProperty("rocAuc").GetDouble() > 0.6);

        var e = CliRunner.Run("evaluate", "--model", model, "--data", SimulatedCsv.Value, "--json");
        Assert.True(e.ExitCode == 0, e.Stderr);
        Assert.InRange(e.Json().GetProperty("uar").GetDouble(), 0.5, 1.0);

        var scores = Path.Combine(dir, "scores.csv");
        var s = CliRunner.Run("score", "--model", model, "--data", SimulatedCsv.Value, "--out", scores, "--json");
        Assert.True(s.ExitCode == 0, s.Stderr);
        var lines = File.ReadAllLines(scores);
        Assert.Equal(s.Json().GetProperty("rows").GetInt32() + 1, lines.Length);
        Assert.Contains("score", lines[0]);
        if (kind == "ss-deepcae") Assert.Contains("latent_norm", lines[0]);
    }

    [Fact]
    public void TrainAndSweepWritePlots()
    {
        var dir = TestPaths.TempDir();
        var t = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", "ss-deepcae", "--labels", "100", "--steps", "200", "--out", Path.Combine(dir, "m"), "--plots", Path.Combine(dir, "p"), "--json");
        Assert.True(t.ExitCode == 0, t.Stderr);
        foreach (var name in new[] { "ss-deepcae-loss", "ss-deepcae-accuracy", "ss-deepcae-reconstruction-error", "ss-deepcae-roc", "ss-deepcae-precision-recall" })
        {
            Assert.True(new FileInfo(Path.Combine(dir, "p", name + ".png")).Length > 1000, name);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "p", name + ".svg")));
        }
        var s = CliRunner.Run("sweep", "--data", SimulatedCsv.Value, "--models", "iforest", "--labels", "100,all", "--seeds", "2", "--out", Path.Combine(dir, "s"), "--plots", Path.Combine(dir, "s", "p"));
        Assert.True(s.ExitCode == 0, s.Stderr);
        Assert.True(File.Exists(Path.Combine(dir, "s", "p", "labels-uar.svg")));
    }

    [Fact]
    public void ExtraUnlabelledDataJoinsTheUnlabelledPool()
    {
        var dir = TestPaths.TempDir();
        var extra = Path.Combine(dir, "extra.jsonl.gz");
        Assert.Equal(0, CliRunner.Run("simulate", "--ues", "4", "--seconds", "10", "--seed", "9", "--out", extra).ExitCode);
        var without = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", "ss-deepcae", "--labels", "100", "--steps", "50", "--out", Path.Combine(dir, "a"), "--json");
        var with = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", "ss-deepcae", "--labels", "100", "--steps", "50", "--out", Path.Combine(dir, "b"), "--unlabeled", extra, "--json");
        Assert.True(with.ExitCode == 0, with.Stderr);
        int u0 = without.Json().GetProperty("training").GetProperty("unlabelledRows").GetInt32();
        int u1 = with.Json().GetProperty("training").GetProperty("unlabelledRows").GetInt32();
        var rows = CliRunner.Run("inspect", extra, "--json").Json().GetProperty("rows").GetInt32();
        Assert.Equal(u0 + rows, u1);
        Assert.Equal(without.Json().GetProperty("training").GetProperty("labelledRows").GetInt32(), with.Json().GetProperty("training").GetProperty("labelledRows").GetInt32());
    }

    [Fact]
    public void UnknownModelKindIsAUsageError()
    {
        var r = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", "random-forest", "--out", Path.Combine(TestPaths.TempDir(), "m"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("ss-deepcae", r.Stderr);
    }

    [Fact]
    public void BadBudgetIsAUsageError()
    {
        var r = CliRunner.Run("train", "--data", SimulatedCsv.Value, "--model", "iforest", "--labels", "some", "--out", Path.Combine(TestPaths.TempDir(), "m"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
    }

    [Fact]
    public void ForeignModelFileIsBadInput()
    {
        var r = CliRunner.Run("evaluate", "--model", SimulatedCsv.Value, "--data", SimulatedCsv.Value, "--json");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("not a Xainomaly model file", r.Json().GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public void TrainingWithoutLabelsIsBadInput()
    {
        var r = CliRunner.Run("train", "--data", TestPaths.Data("ue.json.gz"), "--model", "iforest", "--out", Path.Combine(TestPaths.TempDir(), "m"));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
    }

    [Fact]
    public void SweepWritesTablesAndResumes()
    {
        var dir = TestPaths.TempDir();
        string[] args = ["sweep", "--data", SimulatedCsv.Value, "--models", "ss-deepcae,iforest", "--labels", "100,all", "--seeds", "2", "--steps", "100", "--out", dir, "--json"];
        var first = CliRunner.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var cells = first.Json().GetProperty("cells");
        Assert.Equal(4, cells.GetArrayLength());
        Assert.True(File.Exists(Path.Combine(dir, "table.md")));
        Assert.Contains("ss-deepcae (paper)", File.ReadAllText(Path.Combine(dir, "table.md")));
        Assert.Equal(8, Directory.GetFiles(Path.Combine(dir, "runs"), "*.json").Length);
        var second = CliRunner.Run(args);
        Assert.Contains("8 of 8 runs reused", second.Stderr);
        Assert.Equal(first.Json().GetProperty("cells").ToString(), second.Json().GetProperty("cells").ToString());
    }
}
