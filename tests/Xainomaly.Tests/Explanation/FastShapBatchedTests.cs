using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;
using Xainomaly.Numerics;
using Xainomaly.Simulation;

using static Xainomaly.Tests.Explanation.ShapTestModels;

namespace Xainomaly.Tests.Explanation;

/// <summary>
/// The batched fastSHAP-C path (many rows' coalitions per model call) against the row-by-row computation it replaced.
/// </summary>
public sealed class FastShapBatchedTests
{
    private static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        double scale = Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale, $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public void BatchedConfidenceEqualsThePerRowComputationOnATrainedDetector()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 30, Seed = 1 });
        var model = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = 60 }),
            new ExperimentOptions { LabelBudget = 50, Seed = 1 }).Model;
        int d = model.Detector.InputWidth;
        const int fit = 300, count = 250, n = 32;
        var inputs = model.Inputs(table, out _);
        var fitted = ExplainerModel.Fit(model, inputs.AsSpan(0, fit * d), fit,
            new FastShapOptions { HiddenWidth = 16, MaxEpochs = 2, CoalitionSamples = 4, KMeans = 5, Seed = 1 });
        var ex = fitted.Explainer;
        Assert.IsAssignableFrom<IFloatModelFunction>(ex.ValueFunction.Model);
        // 250 rows × 32 coalitions × 5 background rows span two value-function chunks (6,553 coalitions each).
        Assert.True(count * n > ex.ValueFunction.CoalitionsPerChunk);
        var rows = inputs.AsSpan(fit * d, count * d).ToArray();

        double baseValue = ex.BaseValue; // computed once, before the counted calls
        long before = ex.ValueFunction.Evaluations;
        var set = ex.ExplainWithConfidence(rows, count, n, seed: 5);
        Assert.Equal(count + (long)count * n * ex.Background.Count, set.ModelEvaluations);
        Assert.Equal((long)count * n * ex.Background.Count, ex.ValueFunction.Evaluations - before);

        // The reference: row after row, n coalitions from one generator, one value-function call (one model call) per row.
        var reference = new ValueFunction(ex.ValueFunction.Model, ex.Background);
        var sampler = new ShapleyKernelSampler(d);
        var rng = new Rng(5);
        var masks = new byte[n * d];
        var values = new double[n];
        var x = new double[d];
        Assert.Equal(baseValue, reference.BaseValue);
        for (int r = 0; r < count; r++)
        {
            for (int j = 0; j < d; j++) x[j] = rows[r * d + j];
            for (int k = 0; k < n; k++) sampler.Sample(rng, masks.AsSpan(k * d, d));
            reference.Evaluate(x, masks, n, values);
            double cs = 0, em = 0;
            for (int k = 0; k < n; k++)
            {
                double sPhi = 0;
                for (int j = 0; j < d; j++) if (masks[k * d + j] == 1) sPhi += set.Values[r * d + j];
                double e = values[k] - baseValue - sPhi;
                cs += Math.Abs(e) / n;
                em += e * e / n;
            }
            AssertRelative(cs, set.ConfidenceScores![r], 1e-6, $"CS of row {r}");
            AssertRelative(em, set.ErrorMetrics![r], 1e-6, $"EM of row {r}");
        }

        // Same seed, same figures (the reused sampler starts afresh); the double rows and the caller-buffer overload
        // give the same numbers as the float rows.
        var again = ex.ExplainWithConfidence(rows, count, n, seed: 5);
        Assert.Equal(set.ConfidenceScores, again.ConfidenceScores);
        Assert.Equal(set.ErrorMetrics, again.ErrorMetrics);
        var viaDouble = ex.ExplainWithConfidence(set.Data, count, n, seed: 5);
        Assert.Equal(set.Values, viaDouble.Values);
        Assert.Equal(set.Outputs, viaDouble.Outputs);
        Assert.Equal(set.ConfidenceScores, viaDouble.ConfidenceScores);
        Assert.Equal(set.ErrorMetrics, viaDouble.ErrorMetrics);
        var phi = new double[count * d];
        var outputs = new double[count];
        var gaps = new double[count];
        var csBuf = new double[count];
        var emBuf = new double[count];
        ex.ExplainWithConfidence(rows, count, n, 5, phi, outputs, gaps, csBuf, emBuf);
        Assert.Equal(set.Values, phi);
        Assert.Equal(set.Outputs, outputs);
        Assert.Equal(set.EfficiencyGaps, gaps);
        Assert.Equal(set.ConfidenceScores, csBuf);
        Assert.Equal(set.ErrorMetrics, emBuf);

        // f(x) is the detector's own score and φ is efficient.
        var own = new float[count];
        model.Detector.Score(rows, count, own);
        for (int r = 0; r < count; r++)
        {
            Assert.Equal(own[r], set.Outputs[r]);
            Assert.True(Math.Abs(set.EfficiencyGaps![r]) < 1e-9);
        }
        var ex2 = Assert.Throws<ArgumentException>(() => ex.ExplainWithConfidence(rows, count, n, 5, phi, outputs, gaps, csBuf, emBuf.AsSpan(0, 3)));
        Assert.Contains($"{count} slots", ex2.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EvaluateManyEqualsEvaluatePerRowAcrossChunkBoundaries(bool floatModel)
    {
        const int d = 5, count = 7, perRow = 5;
        var f = floatModel ? InteractingFloat(d) : Interacting(d);
        var x = Uniform(count, d, 3);
        var bg = BackgroundSet.Sample(Uniform(40, d, 4), d, 6, seed: 2);
        // Chunks of 3 coalitions: boundaries fall inside rows (5 coalitions each).
        var batched = new ValueFunction(f, bg, chunkRows: 3 * bg.Count);
        var single = new ValueFunction(f, bg);
        var sampler = new ShapleyKernelSampler(d);
        var rng = new Rng(8);
        var masks = new byte[count * perRow * d];
        for (int k = 0; k < count * perRow; k++) sampler.Sample(rng, masks.AsSpan(k * d, d));

        var fromFloat = new double[count * perRow];
        batched.EvaluateMany(x, count, masks, perRow, fromFloat);
        Assert.Equal((long)count * perRow * bg.Count, batched.Evaluations);
        var xd = new double[x.Length];
        for (int i = 0; i < x.Length; i++) xd[i] = x[i];
        var fromDouble = new double[count * perRow];
        batched.EvaluateMany(xd, count, masks, perRow, fromDouble);
        var expected = new double[perRow];
        for (int r = 0; r < count; r++)
        {
            single.Evaluate(xd.AsSpan(r * d, d), masks.AsSpan(r * perRow * d, perRow * d), perRow, expected);
            for (int k = 0; k < perRow; k++)
            {
                Assert.Equal(expected[k], fromFloat[r * perRow + k]);
                Assert.Equal(expected[k], fromDouble[r * perRow + k]);
            }
        }

        // A brute-force v for one coalition: the weighted mean of f over the background with x's coalition features.
        int row = 4, c = 2;
        var mask = masks.AsSpan((row * perRow + c) * d, d);
        double v = 0;
        var mixed = new double[d];
        var one = new double[1];
        for (int b = 0; b < bg.Count; b++)
        {
            for (int j = 0; j < d; j++) mixed[j] = mask[j] == 1 ? xd[row * d + j] : (floatModel ? (float)bg.Rows[b * d + j] : bg.Rows[b * d + j]);
            f.Evaluate(mixed, 1, one);
            v += bg.Weights[b] * one[0];
        }
        AssertRelative(v, fromDouble[row * perRow + c], 1e-12, "v");

        var e1 = Assert.Throws<ArgumentException>(() => batched.EvaluateMany(x, count + 1, masks, perRow, fromFloat));
        Assert.Contains("cannot hold 8 explained rows of 5 features", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => batched.EvaluateMany(x, count, masks.AsSpan(0, 10), perRow, fromFloat));
        Assert.Contains("mask bytes cannot hold 35 coalitions", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => batched.EvaluateMany(x, count, masks, perRow, fromFloat.AsSpan(0, 4)));
        Assert.Contains("4 value slots for 35 coalitions", e3.Message);
    }
}
