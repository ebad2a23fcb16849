using System.Globalization;
using System.Text;
using System.Text.Json;

using Xainomaly.Cli;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Cli;

public sealed class XaiBenchCliTests
{
    /// <summary>A small labelled CSV (5 features, anomalies far out in a and b) and an Isolation Forest trained on it.</summary>
    private static readonly Lazy<(string Data, string Model)> Fixture = new(() =>
    {
        var dir = TestPaths.TempDir();
        var data = Path.Combine(dir, "small.csv");
        var rng = new Rng(3);
        var sb = new StringBuilder("a,b,c,d,e,label\n");
        for (int i = 0; i < 400; i++)
        {
            bool anomalous = i % 5 == 0;
            double a = anomalous ? 3 + rng.NextDouble() : rng.NextDouble();
            double b = anomalous ? -2 - rng.NextDouble() : rng.NextDouble();
            sb.Append(string.Join(',', new[] { a, b, rng.NextDouble(), rng.NextDouble(), rng.NextDouble() }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
              .Append(anomalous ? ",1\n" : ",0\n");
        }
        File.WriteAllText(data, sb.ToString());
        var model = Path.Combine(dir, "iforest.xai");
        var t = CliRunner.Run("train", "--data", data, "--model", "iforest", "--seed", "1", "--out", model);
        Assert.True(t.ExitCode == 0, t.Stderr);
        return (data, model);
    });

    [Fact]
    public void HelpDescribesTheFlags()
    {
        var r = CliRunner.Run("xai-bench", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var flag in new[] { "--model", "--data", "--rows", "--out", "--methods", "--explainer", "--background", "--seed", "--json", "--plots" })
            Assert.Contains(flag, r.Stdout);
    }

    [Fact]
    public void JsonShapeAndFiles()
    {
        var (data, model) = Fixture.Value;
        var dir = TestPaths.TempDir();
        var plots = Path.Combine(dir, "plots");
        var r = CliRunner.Run("xai-bench", "--model", model, "--data", data, "--rows", "6", "--background", "8", "--sensitivity-rows", "2",
            "--sensitivity-samples", "2", "--out", dir, "--plots", plots, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var json = r.Json();
        using (var e = json.EnumerateObject())
        {
            Assert.True(e.MoveNext());
            Assert.Equal("command", e.Current.Name);
            Assert.Equal("xai-bench", e.Current.Value.GetString());
        }
        Assert.Equal(6, json.GetProperty("rows").GetInt32());
        Assert.Equal(5, json.GetProperty("features").GetInt32());
        Assert.Equal("exact", json.GetProperty("reference").GetString());
        Assert.Contains("test split", json.GetProperty("rowSelection").GetString());
        var methods = json.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);
        Assert.Equal(["exact", "permutation", "kernel"], methods.Keys);
        // At d = 5 the default KernelSHAP budget covers all 30 coalitions: exact agreement.
        var kernel = methods["kernel"];
        Assert.True(kernel.GetProperty("vsExact").GetProperty("relativeL1Error").GetDouble() < 1e-6);
        Assert.Equal(1, kernel.GetProperty("vsExact").GetProperty("top1").GetDouble());
        Assert.True(json.GetProperty("kernelFidelityTarget").GetProperty("met").GetBoolean());
        foreach (var m in methods.Values)
        {
            Assert.Equal(6, m.GetProperty("curves").GetProperty("kappa").GetArrayLength());
            Assert.InRange(m.GetProperty("exclusionAuc").GetDouble(), 0, 1);
            Assert.True(m.GetProperty("wallMsPerRow").GetDouble() > 0);
        }
        Assert.Equal(JsonValueKind.Null, methods["exact"].GetProperty("sensitivity").ValueKind);
        Assert.Equal(2, methods["kernel"].GetProperty("sensitivity").GetProperty("rows").GetInt32());
        Assert.Equal(5, json.GetProperty("logOdds").GetArrayLength());
        // The same object is written to DIR/xai-bench.json; the Markdown and the plots exist.
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "xai-bench.json")));
        Assert.Equal(json.GetProperty("methods").GetArrayLength(), file.RootElement.GetProperty("methods").GetArrayLength());
        Assert.Contains("| kernel |", File.ReadAllText(Path.Combine(dir, "xai-bench.md")));
        Assert.True(File.Exists(Path.Combine(plots, "xai-exclusion.png")));
        Assert.True(File.Exists(Path.Combine(plots, "xai-inclusion.svg")));
    }

    [Fact]
    public void FastShapMethodsUseTheExplainersBackground()
    {
        var (data, model) = Fixture.Value;
        var dir = TestPaths.TempDir();
        var explainer = Path.Combine(dir, "m.fastshap");
        var fit = CliRunner.Run("fit-explainer", "--model", model, "--data", data, "--out", explainer, "--kmeans", "4", "--epochs", "3", "--seed", "1");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var r = CliRunner.Run("xai-bench", "--model", model, "--data", data, "--rows", "5", "--methods", "kernel,fastshap-c,fastshap", "--explainer", explainer,
            "--sensitivity-rows", "1", "--sensitivity-samples", "2", "--coalitions", "8", "--out", dir, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var json = r.Json();
        Assert.Equal(4, json.GetProperty("background").GetInt32());
        var methods = json.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);
        Assert.Equal(["kernel", "fastshap", "fastshap-c"], methods.Keys);
        var c = methods["fastshap-c"];
        Assert.True(c.GetProperty("confidenceScore").GetDouble() >= 0);
        Assert.True(c.GetProperty("errorMetric").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, methods["fastshap"].GetProperty("confidenceScore").ValueKind);
        // Same explainer network: fastshap and fastshap-c give the same φ, so they agree with KernelSHAP equally.
        Assert.Equal(methods["fastshap"].GetProperty("vsKernel").GetProperty("cosine").GetDouble(), c.GetProperty("vsKernel").GetProperty("cosine").GetDouble(), 12);
    }

    [Theory]
    [InlineData("--methods", "kernel,lime", "unknown method 'lime'")]
    [InlineData("--rows", "0", "--rows must be ≥ 1")]
    [InlineData("--methods", "fastshap", "need --explainer")]
    public void BadInputIsAUsageError(string flag, string value, string message)
    {
        var (data, model) = Fixture.Value;
        var r = CliRunner.Run("xai-bench", "--model", model, "--data", data, "--out", TestPaths.TempDir(), flag, value, "--json");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("usage", r.Json().GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void MissingExplainerFileIsBadInput()
    {
        var (data, model) = Fixture.Value;
        var r = CliRunner.Run("xai-bench", "--model", model, "--data", data, "--out", TestPaths.TempDir(), "--methods", "fastshap",
            "--explainer", Path.Combine(TestPaths.TempDir(), "none.fsx"), "--json");
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("none.fsx", r.Stderr);
    }
}
