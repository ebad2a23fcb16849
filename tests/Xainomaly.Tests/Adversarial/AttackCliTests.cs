using Xainomaly.Cli;
using Xainomaly.Data;
using Xainomaly.Tests.Cli;

namespace Xainomaly.Tests.Adversarial;

public sealed class AttackCliTests
{
    // One quick SS-DeepCAE (few steps) shared by the tests: the tests check plumbing, not detection quality.
    private static readonly Lazy<string> Model = new(() =>
    {
        var path = Path.Combine(TestPaths.TempDir(), "cae.xai");
        var r = CliRunner.Run("train", "--data", TestPaths.Data("valid.csv"), "--model", "ss-deepcae", "--labels", "100", "--steps", "40", "--seed", "1", "--out", path);
        Assert.Equal(0, r.ExitCode);
        return path;
    });

    [Fact]
    public void AttackCsvKeepsEveryColumnAndTheRowOrderAndEvaluatesAsReported()
    {
        var dir = TestPaths.TempDir();
        var adv = Path.Combine(dir, "adversarial.csv");
        var r = CliRunner.Run("attack", "--model", Model.Value, "--data", TestPaths.Data("valid.csv"), "--method", "fgsm", "--epsilon", "0.2", "--goal", "both", "--out", adv, "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json();
        Assert.Equal("command", json.EnumerateObject().First().Name);
        Assert.Equal("attack", json.GetProperty("command").GetString());

        var clean = KpiTableReader.Read(TestPaths.Data("valid.csv"), KpiReadOptions.Default);
        var attacked = KpiTableReader.Read(adv, KpiReadOptions.Default);
        Assert.Equal(clean.Columns.Select(c => c.Name), attacked.Columns.Select(c => c.Name));
        Assert.Equal(clean.RowCount, attacked.RowCount);
        var features = json.GetProperty("features").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Contains("rsrp", features);
        Assert.DoesNotContain("prb_usage", features);
        bool anyChanged = false;
        foreach (var c in clean.Columns)
        {
            var a = attacked[c.Name];
            for (int i = 0; i < clean.RowCount; i++)
            {
                if (!features.Contains(c.Name)) Assert.Equal(c.FormatValue(i), a.FormatValue(i));
                else if (c.FormatValue(i) != a.FormatValue(i)) anyChanged = true;
            }
        }
        Assert.True(anyChanged);

        var e = CliRunner.Run("evaluate", "--model", Model.Value, "--data", adv, "--json");
        Assert.Equal(0, e.ExitCode);
        Assert.Equal(json.GetProperty("after").GetProperty("accuracy").GetDouble(), e.Json().GetProperty("accuracy").GetDouble(), 3);
    }

    [Fact]
    public void UnknownFeatureIsAUsageErrorListingTheValidColumns()
    {
        var r = CliRunner.Run("attack", "--model", Model.Value, "--data", TestPaths.Data("valid.csv"), "--method", "pgd", "--epsilon", "0.1", "--features", "rsrp,no_such_column", "--out", Path.Combine(TestPaths.TempDir(), "a.csv"), "--json");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        var message = r.Json().GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("no_such_column", message);
        Assert.Contains("rssinr", message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.1")]
    public void NonPositiveEpsilonIsAUsageError(string epsilon)
    {
        var r = CliRunner.Run("attack", "--model", Model.Value, "--data", TestPaths.Data("valid.csv"), "--method", "fgsm", "--epsilon", epsilon, "--out", Path.Combine(TestPaths.TempDir(), "a.csv"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--epsilon", r.Stderr);
    }

    [Fact]
    public void IsolationForestIsRefusedForGradientAttacks()
    {
        var dir = TestPaths.TempDir();
        var model = Path.Combine(dir, "if.xai");
        Assert.Equal(0, CliRunner.Run("train", "--data", TestPaths.Data("valid.csv"), "--model", "iforest", "--trees", "5", "--out", model).ExitCode);
        var r = CliRunner.Run("attack", "--model", model, "--data", TestPaths.Data("valid.csv"), "--method", "jsma", "--epsilon", "0.1", "--out", Path.Combine(dir, "a.csv"));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("input gradient", r.Stderr);
        var rob = CliRunner.Run("robustness", "--data", TestPaths.Data("valid.csv"), "--models", "iforest", "--out", dir);
        Assert.Equal(ExitCodes.Usage, rob.ExitCode);
    }

    [Fact]
    public void UnknownMethodIsAUsageError()
    {
        var r = CliRunner.Run("attack", "--model", "m.xai", "--data", "d.csv", "--method", "cw", "--epsilon", "0.1", "--out", "a.csv");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
    }
}
