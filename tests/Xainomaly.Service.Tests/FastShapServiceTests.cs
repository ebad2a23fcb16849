using Xainomaly.Cli;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>The service with a real fastSHAP-C explainer file.</summary>
public sealed class FastShapServiceTests
{
    private static Models M => Models.Shared;

    [Fact]
    public async Task Anomalies_are_explained_with_fastSHAP_C_and_normal_records_are_not()
    {
        var explainer = ExplainerFiles.Load(M.ExplainerPath, M.Trained, coalitions: 16);
        Assert.Equal("fastshap-c", explainer.Method);
        await using var svc = await RunningService.StartAsync(M.Trained, explainer);
        int a = M.AnomalousRows[0], n = M.NormalRows[0];
        var (_, body) = await svc.PostAsync(Models.Array([M.FlatRow(a), M.FlatRow(n)]));
        var results = body.GetProperty("results");
        var (_, anomaly) = await svc.GetJsonAsync("/v1/explanations/" + results[0].GetProperty("id").GetString());
        var (_, normal) = await svc.GetJsonAsync("/v1/explanations/" + results[1].GetProperty("id").GetString());
        Assert.Equal(0, normal.GetProperty("topFeatures").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, normal.GetProperty("cs").ValueKind);

        // φ is the explainer's own answer for this row; the top five are the five largest |φ|.
        var x = M.Trained.Inputs(M.Table, out _, [a]);
        var direct = M.Explainer.Explainer.Explain(x, 1);
        var expected = direct.Values.Select((v, i) => (v, i)).OrderByDescending(p => Math.Abs(p.v)).Take(5).ToArray();
        var top = anomaly.GetProperty("topFeatures");
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(M.Trained.InputFeatureNames[expected[k].i], top[k].GetProperty("feature").GetString());
            Assert.Equal(expected[k].v, top[k].GetProperty("phi").GetDouble(), 9);
        }
        // Efficiency normalisation: f(x) − E f − Σφ ≈ 0; CS and EM are finite and EM ≥ 0.
        Assert.True(Math.Abs(anomaly.GetProperty("efficiencyGap").GetDouble()) < 1e-6);
        Assert.Equal(direct.BaseValues[0], anomaly.GetProperty("baseValue").GetDouble(), 9);
        double cs = anomaly.GetProperty("cs").GetDouble(), em = anomaly.GetProperty("em").GetDouble();
        Assert.True(cs >= 0 && double.IsFinite(cs));
        Assert.True(em >= 0 && em >= cs * cs - 1e-12); // mean of squares ≥ square of mean (Jensen)
        Assert.Equal(1, await svc.MetricAsync("xainomaly_explanations_total"));
    }

    [Fact]
    public void An_explainer_fitted_for_another_model_is_refused_before_binding()
    {
        var dir = TestEnv.TempDir();
        // Another model: the rule-free tiny model retrained with another seed would do, but any different file does.
        var other = Path.Combine(dir, "other.xai");
        var retrained = Evaluation.DetectionExperiment.Run(M.Table, Detection.DetectorTrainers.Create("ss-deepcae", new Detection.TrainerSettings { Steps = 20 }),
            new Evaluation.ExperimentOptions { LabelBudget = 60, Seed = 4 }).Model;
        retrained.Save(other);
        var stderr = new StringWriter();
        int code = CliApp.Run(["serve", "--model", other, "--explainer", M.ExplainerPath, "--http", "http://127.0.0.1:0", "--store", Path.Combine(dir, "r.db")], new StringWriter(), stderr);
        Assert.Equal(3, code);
        Assert.Contains("tiny.fastshap", stderr.ToString(), StringComparison.Ordinal);
    }
}
