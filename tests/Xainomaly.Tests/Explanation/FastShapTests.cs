using System.Text;

using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;
using Xainomaly.Numerics;
using Xainomaly.Simulation;

using static Xainomaly.Tests.Explanation.ShapTestModels;

namespace Xainomaly.Tests.Explanation;

public sealed class FastShapTests
{
    private static readonly FastShapOptions Quick = new() { HiddenWidth = 32, MaxEpochs = 30, Patience = 5, CoalitionSamples = 8, Seed = 3 };

    // ---- constructed models ----------------------------------------------------------------------------------

    private static IModelFunction Linear(double[] w) =>
        ModelFunction.FromDoubleFunc(w.Length, (rows, n) =>
        {
            var o = new double[n];
            for (int r = 0; r < n; r++)
                for (int j = 0; j < w.Length; j++) o[r] += w[j] * rows[r * w.Length + j];
            return o;
        }, "linear");

    private static string[] Names(int d) => [.. Enumerable.Range(0, d).Select(j => "f" + j)];

    private static FastShapExplainer FitInteracting(FastShapOptions options, int rows = 600)
    {
        const int d = 5;
        var x = Uniform(rows, d, 1);
        var bg = BackgroundSet.Sample(x, d, 16, seed: 2);
        return FastShapExplainer.Fit(Interacting(d), bg, Names(d), x, rows, options);
    }

    [Fact]
    public void ExplanationsAreEfficientForFastShapAndFastShapC()
    {
        var ex = FitInteracting(Quick with { MaxEpochs = 3 });
        var rows = Uniform(20, 5, 9);
        var set = ex.Explain(rows, 20);
        Assert.Equal("fastshap", set.Method);
        var c = ex.ExplainWithConfidence(rows, 20, 16, seed: 4);
        Assert.Equal("fastshap-c", c.Method);
        foreach (var s in new[] { set, c })
        {
            for (int r = 0; r < s.Count; r++)
            {
                double sum = 0;
                foreach (var p in s.ValuesOf(r)) sum += p;
                Assert.Equal(s.Outputs[r] - s.BaseValues[r], sum, 10);
                Assert.Equal(0, s.EfficiencyGaps![r], 10);
            }
        }
        Assert.Equal(set.Values, c.Values);

        // The float fast path gives the same φ to float precision, and is efficient too.
        var phi = new float[20 * 5];
        ex.Explain(rows, 20, phi);
        for (int r = 0; r < 20; r++)
        {
            double sum = 0;
            for (int j = 0; j < 5; j++)
            {
                Assert.Equal(set.Values[r * 5 + j], phi[r * 5 + j], 4);
                sum += phi[r * 5 + j];
            }
            Assert.Equal(set.Outputs[r] - set.BaseValues[r], sum, 4);
        }

        // A single row takes the matrix–vector path; it must agree with the batched kernel.
        var single = new float[5];
        ex.Explain(rows.AsSpan(5, 5), 1, single);
        for (int j = 0; j < 5; j++) Assert.Equal(phi[5 + j], single[j], 5);
    }

    [Fact]
    public void RecoversExactShapleyValuesOfALinearModel()
    {
        // With an interventional value function, a linear model's Shapley values are w_j (x_j − E_b x_j).
        const int d = 4, n = 1500;
        double[] w = [2.0, -1.0, 0.5, 3.0];
        var x = Uniform(n, d, 5);
        var bg = BackgroundSet.Sample(x, d, 40, seed: 6);
        var ex = FastShapExplainer.Fit(Linear(w), bg, Names(d), x, n, Quick with { MaxEpochs = 40, Patience = 8 });
        var test = Uniform(200, d, 7);
        var set = ex.Explain(test, 200);
        var mean = new double[d];
        for (int b = 0; b < bg.Count; b++)
            for (int j = 0; j < d; j++) mean[j] += bg.Weights[b] * bg.Rows[b * d + j];
        double err = 0, scale = 0;
        for (int r = 0; r < 200; r++)
            for (int j = 0; j < d; j++)
            {
                double exact = w[j] * (test[r * d + j] - mean[j]);
                err += Math.Abs(set.Values[r * d + j] - exact);
                scale += Math.Abs(exact);
            }
        Assert.True(err / scale < 0.05, $"relative L1 error {err / scale:F4}");
    }

    [Fact]
    public void ConfidenceScoreAndErrorMetricEqualABruteForceComputation()
    {
        const int d = 5;
        var ex = FitInteracting(Quick with { MaxEpochs = 2 }, rows: 200);
        var rows = Uniform(6, d, 11);
        const int n = 12;
        var set = ex.ExplainWithConfidence(rows, 6, n, seed: 21);
        var f = Interacting(d);
        var bg = ex.Background;
        double baseValue = 0;
        var bgOut = new double[bg.Count];
        f.Evaluate(bg.Rows, bg.Count, bgOut);
        for (int b = 0; b < bg.Count; b++) baseValue += bg.Weights[b] * bgOut[b];

        // Same coalitions as the explainer: the sampler is seeded the same way and drawn row by row.
        var sampler = new ShapleyKernelSampler(d);
        var rng = new Rng(21);
        var mask = new byte[d];
        var mixed = new double[d];
        var one = new double[1];
        for (int r = 0; r < 6; r++)
        {
            double cs = 0, em = 0;
            for (int k = 0; k < n; k++)
            {
                sampler.Sample(rng, mask);
                double v = 0;
                for (int b = 0; b < bg.Count; b++)
                {
                    for (int j = 0; j < d; j++) mixed[j] = mask[j] == 1 ? rows[r * d + j] : bg.Rows[b * d + j];
                    f.Evaluate(mixed, 1, one);
                    v += bg.Weights[b] * one[0];
                }
                double sPhi = 0;
                for (int j = 0; j < d; j++) if (mask[j] == 1) sPhi += set.Values[r * d + j];
                double e = v - baseValue - sPhi;
                cs += Math.Abs(e) / n;
                em += e * e / n;
            }
            Assert.Equal(cs, set.ConfidenceScores![r], 9);
            Assert.Equal(em, set.ErrorMetrics![r], 9);
        }
    }

    [Fact]
    public void TrainingLowersConfidenceScoreAndErrorMetric()
    {
        var untrained = FitInteracting(Quick with { MaxEpochs = 1, LearningRate = 1e-7f });
        var trained = FitInteracting(Quick);
        var rows = Uniform(100, 5, 13);
        var before = ConfidenceSummary.From(untrained.ExplainWithConfidence(rows, 100, 32, seed: 1));
        var after = ConfidenceSummary.From(trained.ExplainWithConfidence(rows, 100, 32, seed: 1));
        Assert.True(after.MeanCs < 0.7 * before.MeanCs, $"CS {before.MeanCs:G4} → {after.MeanCs:G4}");
        Assert.True(after.MeanEm < 0.5 * before.MeanEm, $"EM {before.MeanEm:G4} → {after.MeanEm:G4}");
        // Early stopping keeps the best epoch's weights and records every epoch's losses.
        Assert.InRange(trained.BestEpoch, 1, trained.LossHistory.Count);
        double bestVal = trained.LossHistory.Min(e => e.ValidationLoss);
        Assert.Equal(bestVal, trained.BestValidationLoss);
        Assert.True(trained.LossHistory[^1].ValidationLoss < trained.LossHistory[0].ValidationLoss);
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesAndARoundTripGivesIdenticalPhi()
    {
        var a = FitInteracting(Quick with { MaxEpochs = 3 }, rows: 200);
        var b = FitInteracting(Quick with { MaxEpochs = 3 }, rows: 200);
        var c = FitInteracting(Quick with { MaxEpochs = 3, Seed = 99 }, rows: 200);
        Assert.Equal(Bytes(a), Bytes(b));
        Assert.NotEqual(Bytes(a), Bytes(c));

        using var r = new BinaryReader(new MemoryStream(Bytes(a)), Encoding.UTF8);
        var loaded = FastShapExplainer.Read(r, Interacting(5));
        var rows = Uniform(10, 5, 3);
        Assert.Equal(a.Explain(rows, 10).Values, loaded.Explain(rows, 10).Values);
        Assert.Equal(a.LossHistory, loaded.LossHistory);
        Assert.Equal(a.Options, loaded.Options);
        Assert.Equal(a.FeatureNames, loaded.FeatureNames);
    }

    private static byte[] Bytes(FastShapExplainer e)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) e.Save(w);
        return ms.ToArray();
    }

    [Fact]
    public void BadInputIsRefusedWithAClearMessage()
    {
        const int d = 5;
        var x = Uniform(50, d, 1);
        var bg = BackgroundSet.Sample(x, d, 8, seed: 2);
        var f = Interacting(d);
        var e1 = Assert.Throws<ArgumentException>(() => FastShapExplainer.Fit(f, BackgroundSet.Sample(x.AsSpan(0, 40).ToArray(), 4, 8, 1), Names(d), x, 50, Quick));
        Assert.Contains("background has 4 features", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => FastShapExplainer.Fit(f, bg, Names(4), x, 50, Quick));
        Assert.Contains("4 feature names", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => FastShapExplainer.Fit(f, bg, Names(d), x, 49, Quick));
        Assert.Contains("not 49 rows of 5 features", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => FastShapExplainer.Fit(f, bg, Names(d), x, 50, Quick with { CoalitionSamples = 3 }));
        Assert.Contains("even", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => BackgroundSet.Sample(ReadOnlySpan<float>.Empty, d, 8, 1));
        Assert.Contains("empty", e5.Message);
        var bad = (float[])x.Clone();
        bad[7] = float.NaN;
        var e6 = Assert.Throws<ArgumentException>(() => FastShapExplainer.Fit(f, bg, Names(d), bad, 50, Quick));
        Assert.Contains("'f2'", e6.Message);

        var ex = FastShapExplainer.Fit(f, bg, Names(d), x, 50, Quick with { MaxEpochs = 1 });
        var e7 = Assert.Throws<ArgumentException>(() => ex.Explain(new double[9], 2));
        Assert.Contains("5 features", e7.Message);
        using var r = new BinaryReader(new MemoryStream(Bytes(ex)), Encoding.UTF8);
        var e8 = Assert.Throws<InvalidDataException>(() => FastShapExplainer.Read(r, Linear([1, 2, 3])));
        Assert.Contains("5 features", e8.Message);
        using var junk = new BinaryReader(new MemoryStream(new byte[64]), Encoding.UTF8);
        Assert.Throws<InvalidDataException>(() => FastShapExplainer.Read(junk, f));
    }

    [Fact]
    public void SamplerFollowsTheShapleyKernelAndPairsComplements()
    {
        const int d = 6, draws = 60_000;
        var sampler = new ShapleyKernelSampler(d);
        var rng = new Rng(17);
        var counts = new int[d + 1];
        var perFeature = new int[d];
        var mask = new byte[d];
        for (int i = 0; i < draws; i++)
        {
            sampler.Sample(rng, mask);
            int size = 0;
            for (int j = 0; j < d; j++)
            {
                size += mask[j];
                perFeature[j] += mask[j];
            }
            counts[size]++;
        }
        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[d]);
        double total = 0;
        for (int k = 1; k < d; k++) total += 1.0 / (k * (d - k));
        for (int k = 1; k < d; k++)
        {
            double p = 1.0 / (k * (d - k)) / total;
            Assert.InRange(counts[k] / (double)draws, p - 0.01, p + 0.01);
        }
        // Symmetric kernel: each feature is present half the time.
        foreach (var c in perFeature) Assert.InRange(c / (double)draws, 0.49, 0.51);

        var masks = new byte[4 * d];
        sampler.SamplePaired(rng, masks, 4);
        for (int j = 0; j < d; j++)
        {
            Assert.Equal(1, masks[j] + masks[d + j]);
            Assert.Equal(1, masks[2 * d + j] + masks[3 * d + j]);
        }
    }

    [Fact]
    public void NetworkGradientMatchesFiniteDifferences()
    {
        const int d = 4, n = 3;
        var net = new FastShapNetwork(d, 2, 6, new Rng(5));
        net.EnsureCapacity(n);
        var x = Uniform(n, d, 8);
        var g = Uniform(n, d, 9); // L = Σ g ⊙ φ(x)
        double Loss()
        {
            var phi = net.Forward(x, n);
            double s = 0;
            for (int i = 0; i < phi.Length; i++) s += g[i] * (double)phi[i];
            return s;
        }
        net.Parameters.ZeroGrad();
        net.Forward(x, n);
        net.Backward(x, n, g);
        for (int p = 0; p < net.Parameters.Count; p++)
        {
            var t = net.Parameters[p];
            for (int i = 0; i < t.Length; i += 3)
            {
                float keep = t.Data[i];
                const float h = 1e-2f;
                t.Data[i] = keep + h;
                double up = Loss();
                t.Data[i] = keep - h;
                double down = Loss();
                t.Data[i] = keep;
                double numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - t.Grad![i]) < 2e-3 + 2e-2 * Math.Abs(numeric), $"tensor {p}[{i}]: analytic {t.Grad![i]}, numeric {numeric}");
            }
        }
    }

    // ---- detector models and explainer files ------------------------------------------------------------------

    private static DetectorModel Train(string kind, long seed, Xainomaly.Data.KpiTable table) =>
        DetectionExperiment.Run(table, DetectorTrainers.Create(kind, new TrainerSettings { Steps = 60, Trees = 20 }),
            new ExperimentOptions { LabelBudget = 50, Seed = seed }).Model;

    [Fact]
    public void ExplainerFileIsBoundToItsDetectorModel()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 30, Seed = 1 });
        var model = Train(SsDeepCae.KindName, 1, table);
        var other = Train(SsDeepCae.KindName, 2, table);
        // 400 rows keep the fit quick; the explainer's speed is measured by the benchmarks, not here.
        var inputs = model.Inputs(table, out _).AsSpan(0, 400 * model.Detector.InputWidth).ToArray();
        int count = 400;
        var options = new FastShapOptions { HiddenWidth = 16, MaxEpochs = 2, CoalitionSamples = 4, KMeans = 5, Output = FastShapOutput.Probability, Seed = 1 };
        var fitted = ExplainerModel.Fit(model, inputs, count, options);
        Assert.Equal(model.InputFeatureNames, fitted.Explainer.FeatureNames);
        Assert.Equal(ExplainerModel.Fingerprint(model), fitted.ModelFingerprint);
        Assert.Equal(fitted.ToBytes(), ExplainerModel.Fit(model, inputs, count, options).ToBytes());

        var dir = TestPaths.TempDir();
        var path = Path.Combine(dir, "m.fastshap");
        fitted.Save(path);
        var modelPath = Path.Combine(dir, "m.xai");
        model.Save(modelPath);
        var reloadedModel = DetectorModel.Load(modelPath);
        var loaded = ExplainerModel.Load(path, reloadedModel);
        Assert.Equal(FastShapOutput.Probability, loaded.Output);
        var rows = inputs.AsSpan(0, 5 * model.Detector.InputWidth).ToArray();
        Assert.Equal(fitted.Explainer.Explain(rows, 5).Values, loaded.Explainer.Explain(rows, 5).Values);

        var mismatch = Assert.Throws<InvalidDataException>(() => ExplainerModel.Load(path, other));
        Assert.Contains("another detector model", mismatch.Message);
        var notExplainer = Assert.Throws<InvalidDataException>(() => ExplainerModel.Load(modelPath, model));
        Assert.Contains("a detector model, not a FastSHAP explainer", notExplainer.Message);
    }

    [Theory]
    [InlineData("ss-deepcae")]
    [InlineData("deepae")]
    [InlineData("mlp")]
    [InlineData("iforest")]
    public void WorksOnEveryDetectorKind(string kind)
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 30, Seed = 1 });
        var model = Train(kind, 1, table);
        int d = model.Detector.InputWidth, count = 300;
        var inputs = model.Inputs(table, out _).AsSpan(0, count * d).ToArray();
        var fitted = ExplainerModel.Fit(model, inputs, count, new FastShapOptions { HiddenWidth = 16, MaxEpochs = 2, CoalitionSamples = 4, KMeans = 5, Seed = 1 });
        var set = fitted.Explainer.ExplainWithConfidence(inputs.AsSpan(0, 4 * d).ToArray(), 4, 8, seed: 1);
        var own = new float[4];
        model.Detector.Score(inputs.AsSpan(0, 4 * d), 4, own);
        for (int r = 0; r < 4; r++)
        {
            Assert.Equal(own[r], set.Outputs[r], 5);
            Assert.Equal(0, set.EfficiencyGaps![r], 5);
            Assert.True(double.IsFinite(set.ConfidenceScores![r]));
        }
        if (model.Detector is not SemiSupervisedDetector)
        {
            var e = Assert.Throws<ArgumentException>(() => ExplainerModel.Fit(model, inputs, count, new FastShapOptions { Output = FastShapOutput.Probability }));
            Assert.Contains("no anomaly probability", e.Message);
        }
    }
}
