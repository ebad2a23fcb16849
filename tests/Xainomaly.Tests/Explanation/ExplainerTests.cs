using System.Text.Json;

using FsCheck.Xunit;

using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;
using Xainomaly.Numerics;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Explanation;

public sealed class ExplainerTests
{
    // ---- constructed models ----------------------------------------------------------------------------------

    private static IModelFunction Linear(double[] w, double bias = 0) =>
        ModelFunction.FromDoubleFunc(w.Length, (rows, n) =>
        {
            var o = new double[n];
            for (int r = 0; r < n; r++)
            {
                double s = bias;
                for (int j = 0; j < w.Length; j++) s += w[j] * rows[r * w.Length + j];
                o[r] = s;
            }
            return o;
        }, "linear");

    /// <summary>f(x) = W2·relu(W1·x + b1) + b2 in double precision.</summary>
    private static IModelFunction Mlp(double[,] w1, double[] b1, double[] w2, double b2)
    {
        int h = w1.GetLength(0), d = w1.GetLength(1);
        return ModelFunction.FromDoubleFunc(d, (rows, n) =>
        {
            var o = new double[n];
            for (int r = 0; r < n; r++)
            {
                double y = b2;
                for (int k = 0; k < h; k++)
                {
                    double a = b1[k];
                    for (int j = 0; j < d; j++) a += w1[k, j] * rows[r * d + j];
                    if (a > 0) y += w2[k] * a;
                }
                o[r] = y;
            }
            return o;
        }, "mlp");
    }

    private static IModelFunction RandomMlp(Rng rng, int d, int hidden)
    {
        var w1 = new double[hidden, d];
        var b1 = new double[hidden];
        var w2 = new double[hidden];
        for (int k = 0; k < hidden; k++)
        {
            for (int j = 0; j < d; j++) w1[k, j] = rng.NextGaussian();
            b1[k] = rng.NextGaussian(0, 0.3);
            w2[k] = rng.NextGaussian();
        }
        return Mlp(w1, b1, w2, rng.NextGaussian());
    }

    private static double[] RandomRows(Rng rng, int n, int d)
    {
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
        return x;
    }

    private static ValueFunction Vf(IModelFunction f, double[] background, int chunkRows = 4096) =>
        new(f, BackgroundSet.FromRows(background, f.InputWidth), chunkRows: chunkRows);

    private static double MaxAbsDiff(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    private static void AssertEfficiency(ExplanationSet e, double tolerance)
    {
        for (int r = 0; r < e.Count; r++)
        {
            double sum = 0;
            foreach (var p in e.ValuesOf(r)) sum += p;
            Assert.True(Math.Abs(sum - (e.Outputs[r] - e.BaseValues[r])) <= tolerance,
                $"{e.Method} row {r}: Σφ = {sum}, f(x) − E f = {e.Outputs[r] - e.BaseValues[r]}");
        }
    }

    // ---- reference --------------------------------------------------------------------------------------------

    [Fact]
    public void ExactMatchesTheReferenceMlp()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedReference, "shapley_mlp.json")));
        var root = doc.RootElement;
        double[][] Matrix(string name) => root.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var w1Rows = Matrix("W1");
        int h = w1Rows.Length, d = w1Rows[0].Length;
        var w1 = new double[h, d];
        for (int k = 0; k < h; k++) for (int j = 0; j < d; j++) w1[k, j] = w1Rows[k][j];
        var b1 = root.GetProperty("b1").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var w2 = Matrix("W2")[0];
        double b2 = root.GetProperty("b2")[0].GetDouble();
        var background = Matrix("background").SelectMany(r => r).ToArray();
        var rows = Matrix("rows");
        var expected = Matrix("shapley_values");
        double baseValue = root.GetProperty("base_value").GetDouble();

        var v = Vf(Mlp(w1, b1, w2, b2), background, chunkRows: 100); // small chunks: exercises the chunking
        var e = new ExactShapleyExplainer(v).Explain(rows.SelectMany(r => r).ToArray(), rows.Length);
        Assert.Equal(8, d);
        Assert.Equal(5, e.Count);
        for (int r = 0; r < e.Count; r++)
        {
            Assert.True(Math.Abs(e.BaseValues[r] - baseValue) < 1e-6, $"base {e.BaseValues[r]} vs {baseValue}");
            var phi = e.ValuesOf(r);
            for (int j = 0; j < d; j++)
                Assert.True(Math.Abs(phi[j] - expected[r][j]) < 1e-6, $"row {r} feature {j}: {phi[j]} vs {expected[r][j]}");
        }
        AssertEfficiency(e, 1e-9);
        Assert.Equal(12 + 5 * 256 * 12, e.ModelEvaluations); // base value once, then 2^d coalitions × background per row
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    [Property(MaxTest = 25)]
    public void ExactIsEfficientOnRandomModels(int seed)
    {
        var rng = new Rng(seed);
        int d = rng.NextInt(2, 7);
        IModelFunction f = rng.NextInt(2) == 0 ? RandomMlp(rng, d, rng.NextInt(1, 6)) : Linear(RandomRows(rng, 1, d), rng.NextGaussian());
        var v = Vf(f, RandomRows(rng, rng.NextInt(1, 6), d));
        var e = new ExactShapleyExplainer(v).Explain(RandomRows(rng, 3, d), 3);
        AssertEfficiency(e, 1e-9);
    }

    [Property(MaxTest = 15)]
    public void SamplingMethodsAreEfficientOnRandomModels(int seed)
    {
        var rng = new Rng(seed);
        int d = rng.NextInt(3, 9);
        var v = Vf(RandomMlp(rng, d, 4), RandomRows(rng, 4, d));
        var x = RandomRows(rng, 2, d);
        AssertEfficiency(new PermutationExplainer(v, new(Permutations: 4, Seed: seed)).Explain(x, 2), 1e-9);
        AssertEfficiency(new KernelShapExplainer(v, new(Budget: 20, Seed: seed)).Explain(x, 2), 1e-9);
    }

    [Fact]
    public void LinearModelGetsWeightTimesDeviationFromTheBackgroundMean()
    {
        var rng = new Rng(11);
        const int d = 13; // 2^13 − 2 > 2·d + 2048: the default budget is a partial one
        var w = RandomRows(rng, 1, d);
        for (int j = 0; j < d; j++) w[j] = 2 * w[j] - 1;
        var bg = RandomRows(rng, 7, d);
        var x = RandomRows(rng, 3, d);
        var v = Vf(Linear(w, 0.5), bg);
        var expected = new double[3 * d];
        for (int r = 0; r < 3; r++)
            for (int j = 0; j < d; j++)
            {
                double mean = 0;
                for (int b = 0; b < 7; b++) mean += bg[b * d + j] / 7;
                expected[r * d + j] = w[j] * (x[r * d + j] - mean);
            }
        Assert.True(MaxAbsDiff(new ExactShapleyExplainer(v).Explain(x, 3).Values, expected) < 1e-12);
        // For an additive model every marginal is w_i(x_i − x'_i): permutation sampling is exact at any budget.
        Assert.True(MaxAbsDiff(new PermutationExplainer(v, new(Permutations: 2)).Explain(x, 3).Values, expected) < 1e-12);
        // v(S) is exactly linear in the mask, so the least-squares fit is exact with the default (partial) budget.
        var kernel = new KernelShapExplainer(v);
        Assert.Equal(2 * d + 2048, kernel.Budget);
        Assert.True(MaxAbsDiff(kernel.Explain(x, 3).Values, expected) < 1e-9);
        Assert.True(MaxAbsDiff(new KernelShapExplainer(v, new(Budget: 60)).Explain(x, 3).Values, expected) < 1e-9);
    }

    [Fact]
    public void SymmetricFeaturesShareAndIgnoredFeaturesGetZero()
    {
        // f(x) = relu(x0 + x1 − 0.5) · x2 + x2²: x0 and x1 are interchangeable, x3 is ignored.
        var f = ModelFunction.FromDoubleFunc(4, (rows, n) =>
        {
            var o = new double[n];
            for (int r = 0; r < n; r++)
            {
                double a = Math.Max(0, rows[r * 4] + rows[r * 4 + 1] - 0.5);
                o[r] = a * rows[r * 4 + 2] + rows[r * 4 + 2] * rows[r * 4 + 2];
            }
            return o;
        });
        var rng = new Rng(4);
        var bg = RandomRows(rng, 6, 4);
        for (int b = 0; b < 6; b++) bg[b * 4 + 1] = bg[b * 4]; // identical features in the background too
        var x = new[] { 0.9, 0.9, 0.7, 0.1, 0.2, 0.2, 0.4, 0.8 };
        var v = Vf(f, bg);
        foreach (IShapleyExplainer ex in new IShapleyExplainer[] { new ExactShapleyExplainer(v), new KernelShapExplainer(v), new PermutationExplainer(v, new(Permutations: 200, Seed: 3)) })
        {
            var e = ex.Explain(x, 2);
            for (int r = 0; r < 2; r++)
            {
                var phi = e.ValuesOf(r);
                double tol = ex is PermutationExplainer ? 0.05 : 1e-9;
                Assert.True(Math.Abs(phi[0] - phi[1]) <= tol, $"{ex.Method} row {r}: φ0 = {phi[0]}, φ1 = {phi[1]}");
                Assert.True(Math.Abs(phi[3]) <= 1e-12 || (ex is KernelShapExplainer && Math.Abs(phi[3]) <= 1e-9), $"{ex.Method} row {r}: dummy φ3 = {phi[3]}");
                Assert.True(Math.Abs(phi[2]) > 0.01);
            }
        }
    }

    [Fact]
    public void KernelShapWithTheFullBudgetIsExact()
    {
        var rng = new Rng(21);
        foreach (int d in new[] { 2, 3, 6, 9 })
        {
            var v = Vf(RandomMlp(rng, d, 8), RandomRows(rng, 5, d));
            var x = RandomRows(rng, 3, d);
            var exact = new ExactShapleyExplainer(v).Explain(x, 3).Values;
            var kernel = new KernelShapExplainer(v, new(Seed: 5));
            Assert.Equal((1 << d) - 2, kernel.Budget);
            Assert.True(MaxAbsDiff(kernel.Explain(x, 3).Values, exact) < 1e-6, $"d = {d}");
        }
    }

    [Fact]
    public void SamplingMethodsConvergeToExactAsTheBudgetGrows()
    {
        var rng = new Rng(8);
        const int d = 12;
        var v = Vf(RandomMlp(rng, d, 16), RandomRows(rng, 4, d));
        var x = RandomRows(rng, 4, d);
        var exact = new ExactShapleyExplainer(v).Explain(x, 4).Values;
        double scale = exact.Max(Math.Abs);

        double PermError(int p) => MaxAbsDiff(new PermutationExplainer(v, new(Permutations: p, Seed: 1)).Explain(x, 4).Values, exact);
        double KernelError(int b) => MaxAbsDiff(new KernelShapExplainer(v, new(Budget: b, Seed: 1)).Explain(x, 4).Values, exact);

        double pSmall = PermError(2), pLarge = PermError(400);
        Assert.True(pLarge < pSmall / 4, $"permutation error {pSmall} at 2, {pLarge} at 400");
        Assert.True(pLarge < 0.05 * scale, $"permutation error {pLarge} vs max |φ| {scale}");

        double kSmall = KernelError(30), kLarge = KernelError(3000);
        Assert.True(kLarge < kSmall / 4, $"kernel error {kSmall} at 30, {kLarge} at 3000");
        Assert.True(kLarge < 0.02 * scale, $"kernel error {kLarge} vs max |φ| {scale}");
    }

    [Fact]
    public void SameSeedSameValuesDifferentSeedDifferent()
    {
        var rng = new Rng(2);
        const int d = 10;
        var v = Vf(RandomMlp(rng, d, 8), RandomRows(rng, 3, d));
        var x = RandomRows(rng, 2, d);
        Assert.Equal(new KernelShapExplainer(v, new(Budget: 100, Seed: 7)).Explain(x, 2).Values, new KernelShapExplainer(v, new(Budget: 100, Seed: 7)).Explain(x, 2).Values);
        Assert.NotEqual(new KernelShapExplainer(v, new(Budget: 100, Seed: 7)).Explain(x, 2).Values, new KernelShapExplainer(v, new(Budget: 100, Seed: 8)).Explain(x, 2).Values);
        Assert.Equal(new PermutationExplainer(v, new(6, 7)).Explain(x, 2).Values, new PermutationExplainer(v, new(6, 7)).Explain(x, 2).Values);
        Assert.NotEqual(new PermutationExplainer(v, new(6, 7)).Explain(x, 2).Values, new PermutationExplainer(v, new(6, 8)).Explain(x, 2).Values);
    }

    [Fact]
    public void ExactRefusesTooManyFeaturesOrTooMuchMemory()
    {
        var v = Vf(Linear(new double[30]), new double[30]);
        var ex = Assert.Throws<ArgumentException>(() => new ExactShapleyExplainer(v));
        Assert.Contains("d = 30", ex.Message);
        Assert.Contains("20", ex.Message);

        var v16 = Vf(Linear(new double[16]), new double[16]);
        var mem = Assert.Throws<ArgumentException>(() => new ExactShapleyExplainer(v16, new(MaxMemoryBytes: 100_000)));
        Assert.Contains("100,000", mem.Message);
        Assert.Contains(ExactShapleyExplainer.MemoryNeeded(16, 1).ToString("N0", System.Globalization.CultureInfo.CurrentCulture), mem.Message);
    }

    [Fact]
    public void BadInputIsRefusedWithAMessage()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => BackgroundSet.FromRows(ReadOnlySpan<double>.Empty, 3)).Message);
        Assert.Contains("weight", Assert.Throws<ArgumentException>(() => BackgroundSet.FromRows(new double[6], 3, new[] { 1.0 })).Message);
        var v = Vf(Linear(new double[3]), new double[3]);
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => new ExactShapleyExplainer(v).Explain(new double[5], 2)).Message);
        Assert.Throws<ArgumentException>(() => new ValueFunction(Linear(new double[3]), BackgroundSet.FromRows(new double[4], 4)));
    }

    [Fact]
    public void KMeansBackgroundIsDeterministicAndWeightsSumToOne()
    {
        var rng = new Rng(5);
        const int d = 4, n = 300;
        var rows = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) rows[i * d + j] = (float)((i % 3) * 2 + rng.NextGaussian(0, 0.1)); // three clusters
        var a = BackgroundSet.KMeans(rows, d, 3, seed: 9);
        var b = BackgroundSet.KMeans(rows, d, 3, seed: 9);
        Assert.Equal(a.Rows, b.Rows);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(3, a.Count);
        Assert.Equal(1.0, a.Weights.Sum(), 12);
        foreach (var w in a.Weights) Assert.Equal(1.0 / 3, w, 12);
        var centres = Enumerable.Range(0, 3).Select(c => Math.Round(a.Row(c)[0])).OrderBy(t => t).ToArray();
        Assert.Equal(new[] { 0.0, 2.0, 4.0 }, centres);

        var s1 = BackgroundSet.Sample(rows, d, 50, seed: 1);
        Assert.Equal(s1.Rows, BackgroundSet.Sample(rows, d, 50, seed: 1).Rows);
        Assert.NotEqual(s1.Rows, BackgroundSet.Sample(rows, d, 50, seed: 2).Rows);
        Assert.Equal(50, s1.Count);
        Assert.Equal(1.0, s1.Weights.Sum(), 12);
    }

    [Fact]
    public void WeightedBackgroundEqualsTheRepeatedRows()
    {
        var rng = new Rng(6);
        const int d = 5;
        var f = RandomMlp(rng, d, 6);
        var bg = RandomRows(rng, 2, d);
        var repeated = bg.Take(d).Concat(bg.Take(d)).Concat(bg.Take(d)).Concat(bg.Skip(d)).ToArray();
        var x = RandomRows(rng, 2, d);
        var weighted = new ValueFunction(f, BackgroundSet.FromRows(bg, d, new[] { 3.0, 1.0 }));
        var plain = Vf(f, repeated);
        Assert.True(MaxAbsDiff(new ExactShapleyExplainer(weighted).Explain(x, 2).Values, new ExactShapleyExplainer(plain).Explain(x, 2).Values) < 1e-12);
    }

    [Fact]
    public void ExplanationSetGivesPerRowRecords()
    {
        var v = new ValueFunction(Linear(new[] { 1.0, 2.0 }), BackgroundSet.FromRows(new double[2], 2), new[] { "rsrp", "rsrq" });
        var e = new ExactShapleyExplainer(v).Explain(new[] { 1.0, 1.0 }, 1);
        var one = e[0];
        Assert.Equal("exact", one.Method);
        Assert.Equal(new[] { "rsrp", "rsrq" }, one.FeatureNames);
        Assert.Equal(new[] { 1.0, 2.0 }, one.Values);
        Assert.Equal(3.0, one.Output, 12);
        Assert.Equal(0.0, one.BaseValue, 12);
        Assert.Null(one.ConfidenceScore);
        Assert.Equal(0.0, one.EfficiencyGap!.Value, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => e[1]);
    }

    // ---- a real detector -----------------------------------------------------------------------------------------

    [Fact]
    public void TrainedSsDeepCaeExplanationsAreEfficient()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 6, Seconds = 30, Seed = 3 });
        var result = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = 60 }),
            new ExperimentOptions { LabelBudget = 50, Seed = 5 });
        var model = result.Model;
        var inputs = model.Inputs(table, out _);
        int d = model.Detector.InputWidth;
        var background = BackgroundSet.KMeans(inputs, d, 8, seed: 1);
        var rows = inputs.AsSpan(0, 3 * d);

        var score = new ValueFunction(ModelFunction.FromDetector(model.Detector), background, model.InputFeatureNames);
        var kernel = new KernelShapExplainer(score, new(Budget: 300, Seed: 2)).Explain(rows, 3);
        AssertEfficiency(kernel, 1e-9);
        Assert.Equal(model.InputFeatureNames, kernel.FeatureNames);
        var perm = new PermutationExplainer(score, new(Permutations: 4, Seed: 2)).Explain(rows, 3);
        AssertEfficiency(perm, 1e-9);
        // The model function must reproduce the detector's own scores.
        var own = new float[3];
        model.Detector.Score(rows, 3, own);
        for (int r = 0; r < 3; r++) Assert.Equal(own[r], kernel.Outputs[r], 6);

        var head = new ValueFunction(ModelFunction.FromHeadProbability((SemiSupervisedDetector)model.Detector), background);
        var he = new KernelShapExplainer(head, new(Budget: 300, Seed: 2)).Explain(rows, 3);
        AssertEfficiency(he, 1e-9);
        Assert.All(he.Outputs, p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void FloatFunctionAdapterMatchesTheDoublePath()
    {
        var w = new[] { 0.5, -1.25, 2.0 }; // exact in float, as are the inputs below
        var asFloat = ModelFunction.FromFunc(3, (rows, n) =>
        {
            var o = new float[n];
            for (int r = 0; r < n; r++) o[r] = 0.5f * rows[3 * r] - 1.25f * rows[3 * r + 1] + 2f * rows[3 * r + 2];
            return o;
        });
        var bg = new[] { 0.25, 0.5, 0.75, 1.0, 0.0, 0.5 };
        var x = new[] { 1.0, 0.5, 0.25 };
        var a = new ExactShapleyExplainer(Vf(asFloat, bg)).Explain(x, 1);
        var b = new ExactShapleyExplainer(Vf(Linear(w), bg)).Explain(x, 1);
        Assert.Equal(b.Values, a.Values);
        Assert.Equal(b.BaseValues, a.BaseValues);
        Assert.Contains("returned 0 outputs", Assert.Throws<InvalidOperationException>(() =>
            new ExactShapleyExplainer(Vf(ModelFunction.FromFunc(3, (_, _) => []), bg)).Explain(x, 1)).Message);
    }

    [Fact]
    public void HeadProbabilityNeedsAHead()
    {
        var detector = new SemiSupervisedDetector(new HeadlessNetwork(), new ScoreMix("reconstruction", 1f, 1f, 1f), 0.5);
        var ex = Assert.Throws<ArgumentException>(() => ModelFunction.FromHeadProbability(detector));
        Assert.Contains("no classification head", ex.Message);
        // The score itself is still explainable: RE = Σ x² here, so φ_i = x_i² − E x_i² exactly.
        var v = new ValueFunction(ModelFunction.FromDetector(detector), BackgroundSet.FromRows(new double[] { 0, 0, 0.5, 0.5 }, 2));
        var e = new ExactShapleyExplainer(v).Explain(new[] { 1.0, 0.5 }, 1);
        Assert.Equal(1.0 - 0.125, e.Values[0], 6);
        Assert.Equal(0.25 - 0.125, e.Values[1], 6);
    }

    private sealed class HeadlessNetwork : IComponentScorer
    {
        public string Kind => "test-headless";

        public int InputWidth => 2;

        public bool HasReconstruction => true;

        public bool HasLatent => false;

        public bool HasHead => false;

        public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
        {
            for (int r = 0; r < count; r++)
            {
                reconstructionError[r] = rows[2 * r] * rows[2 * r] + rows[2 * r + 1] * rows[2 * r + 1];
                latentNorm[r] = 0;
                headProbability[r] = 0;
            }
        }

        public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient) => false;

        public void Write(BinaryWriter writer) => throw new NotSupportedException();
    }
}
