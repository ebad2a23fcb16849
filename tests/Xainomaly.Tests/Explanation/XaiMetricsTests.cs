using Xainomaly.Explanation;
using Xainomaly.Explanation.Metrics;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Explanation;

public sealed class XaiMetricsTests
{
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

    private static double[] RandomRows(Rng rng, int n, int d)
    {
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
        return x;
    }

    private static ValueFunction Vf(IModelFunction f, double[] background) => new(f, BackgroundSet.FromRows(background, f.InputWidth));

    private static ExplanationSet Set(string method, double[] values, double[] data, int d)
    {
        int n = values.Length / d;
        var names = Enumerable.Range(0, d).Select(j => $"f{j}").ToArray();
        return new ExplanationSet
        {
            Method = method,
            FeatureNames = names,
            Count = n,
            BaseValues = new double[n],
            Outputs = new double[n],
            Values = values,
            Data = data,
            WallTime = TimeSpan.Zero,
            ModelEvaluations = 0,
        };
    }

    // ---- agreement ---------------------------------------------------------------------------------------------

    [Fact]
    public void IdenticalSetsAgreeCompletely()
    {
        var rng = new Rng(1);
        var values = RandomRows(rng, 7, 5);
        var data = RandomRows(rng, 7, 5);
        var a = ExplanationAgreement.Compare(Set("a", values, data, 5), Set("b", (double[])values.Clone(), data, 5));
        Assert.Equal(1, a.Top1);
        Assert.Equal(1, a.Top3SameSet);
        Assert.Equal(1, a.Top3AnyOverlap);
        Assert.Equal(1, a.Top3Jaccard);
        Assert.Equal(0, a.MeanAbsoluteError);
        Assert.Equal(0, a.RelativeL1Error);
        Assert.Equal(1, a.MeanCosine, 12);
    }

    [Fact]
    public void AgreementFiguresMatchAHandComputedCase()
    {
        // Row 0: same ranking (top-1 and top-3 equal). Row 1: top-1 differs; top-3 sets {0,1,2} vs {3,1,2} share 2.
        double[] refValues = [4, 3, 2, 1, 0, /**/ 4, 3, 2, 1, 0];
        double[] candidate = [4, 3, 2, 1, 0, /**/ 0, 3, 2, 5, 0];
        var data = new double[10];
        var a = ExplanationAgreement.Compare(Set("c", candidate, data, 5), Set("r", refValues, data, 5));
        Assert.Equal(0.5, a.Top1);
        Assert.Equal(0.5, a.Top3SameSet);
        Assert.Equal(1, a.Top3AnyOverlap);
        Assert.Equal((1 + 2.0 / 4) / 2, a.Top3Jaccard, 12);
        Assert.Equal((4 + 4.0) / 10, a.MeanAbsoluteError, 12); // |4−0| + |1−5| in row 1
        Assert.Equal(8.0 / 20, a.RelativeL1Error, 12);
        double cos1 = (3 * 3 + 2 * 2 + 1 * 5) / Math.Sqrt((9 + 4 + 25) * (16 + 9 + 4 + 1.0));
        Assert.Equal((1 + cos1) / 2, a.MeanCosine, 12);
        // Negative attributions rank by magnitude.
        double[] negative = [-4, 3, 2, 1, 0, /**/ -4, 3, 2, 1, 0];
        Assert.Equal(1, ExplanationAgreement.Compare(Set("n", negative, data, 5), Set("r", refValues, data, 5)).Top1);
    }

    [Fact]
    public void AgreementRefusesDifferentRows()
    {
        var a = Set("a", new double[6], [0, 0, 0, 1, 1, 1], 3);
        var b = Set("b", new double[6], [0, 0, 0, 1, 1, 2], 3);
        var e = Assert.Throws<ArgumentException>(() => ExplanationAgreement.Compare(a, b));
        Assert.Contains("Row 1", e.Message);
        Assert.Contains("f2", e.Message);
        Assert.Throws<ArgumentException>(() => ExplanationAgreement.Compare(a, Set("c", new double[3], new double[3], 3)));
    }

    [Fact]
    public void ExactShapleyIsThePerfectExplainerOfALinearModel()
    {
        // φ_j = w_j (x_j − E x'_j) in closed form for a linear model: exact must reach cosine 1 and MAE 0.
        var rng = new Rng(2);
        double[] w = [1.5, -2, 0.5, 3, 0];
        var bg = RandomRows(rng, 12, 5);
        var rows = RandomRows(rng, 6, 5);
        var exact = new ExactShapleyExplainer(Vf(Linear(w, 0.3), bg)).Explain(rows, 6);
        var truth = new double[rows.Length];
        for (int j = 0; j < 5; j++)
        {
            double mean = 0;
            for (int b = 0; b < 12; b++) mean += bg[b * 5 + j] / 12;
            for (int r = 0; r < 6; r++) truth[r * 5 + j] = w[j] * (rows[r * 5 + j] - mean);
        }
        var a = ExplanationAgreement.Compare(exact, Set("closed-form", truth, rows, 5));
        Assert.True(a.MeanAbsoluteError < 1e-12, $"MAE {a.MeanAbsoluteError}");
        Assert.Equal(1, a.MeanCosine, 10);
        Assert.Equal(1, a.Top1);
    }

    // ---- sensitivity --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(SensitivityNorm.LInfinity)]
    [InlineData(SensitivityNorm.L2)]
    public void SensitivityOfAConstantModelIsZero(SensitivityNorm norm)
    {
        var rng = new Rng(3);
        var v = Vf(Linear([0, 0, 0, 0], 2.5), RandomRows(rng, 5, 4));
        var explainer = new KernelShapExplainer(v, new KernelShapOptions(Seed: 1));
        var rows = RandomRows(rng, 4, 4);
        var set = explainer.Explain(rows, 4);
        var s = ExplanationSensitivity.Measure((x, n) => explainer.Explain(x, n), set, new SensitivityOptions(0.1, 6, norm, 7));
        Assert.Equal(4, s.PerRow.Length);
        Assert.Equal(0, s.Max, 12);
        Assert.Equal(0, s.Mean, 12);
    }

    [Theory]
    [InlineData(SensitivityNorm.LInfinity)]
    [InlineData(SensitivityNorm.L2)]
    public void SensitivityOfALinearModelFollowsItsWeights(SensitivityNorm norm)
    {
        // φ(x) − φ(x') = w ⊙ (x − x'), so with equal weights c the ratio is exactly |c| for every x'; with mixed
        // weights it lies between min |w| and max |w|.
        var rng = new Rng(4);
        var bg = RandomRows(rng, 6, 4);
        var rows = RandomRows(rng, 3, 4);
        var equal = new ExactShapleyExplainer(Vf(Linear([-2, -2, -2, -2]), bg));
        var s = ExplanationSensitivity.Measure((x, n) => equal.Explain(x, n), equal.Explain(rows, 3), new SensitivityOptions(0.05, 5, norm, 1));
        foreach (var r in s.PerRow) Assert.Equal(2, r, 9);

        var mixed = new ExactShapleyExplainer(Vf(Linear([0.5, 1, 3, -1]), bg));
        var m = ExplanationSensitivity.Measure((x, n) => mixed.Explain(x, n), mixed.Explain(rows, 3), new SensitivityOptions(0.05, 20, norm, 1));
        foreach (var r in m.PerRow) Assert.InRange(r, 0.5, 3 + 1e-9);
        Assert.True(m.Max > 1, "with 20 samples some perturbation leans on the weight-3 feature");
    }

    [Fact]
    public void SensitivityRejectsBadOptions()
    {
        var v = Vf(Linear([1, 1]), [0, 0, 1, 1]);
        var e = new ExactShapleyExplainer(v);
        var set = e.Explain([0.5, 0.5], 1);
        Assert.Throws<ArgumentException>(() => ExplanationSensitivity.Measure((x, n) => e.Explain(x, n), set, new SensitivityOptions(Epsilon: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExplanationSensitivity.Measure((x, n) => e.Explain(x, n), set, new SensitivityOptions(Samples: 0)));
    }

    // ---- removal curves and log-odds ------------------------------------------------------------------------------

    [Fact]
    public void ExclusionOfTheTopFeatureMovesALinearModelMost()
    {
        // For a linear model under the interventional value function v(N \ {i}) = f(x) − φ_i exactly, so removing the
        // top feature by |φ| moves the output most, and the curves' ends are f(x) and E f.
        var rng = new Rng(5);
        double[] w = [0.2, -3, 1, 0.5];
        var bg = RandomRows(rng, 8, 4);
        var rows = RandomRows(rng, 5, 4);
        var v = Vf(Linear(w), bg);
        var exact = new ExactShapleyExplainer(v).Explain(rows, 5);
        var curves = RemovalCurves.Measure(exact, v, threshold: 0);
        Assert.Equal(5, curves.Kappa.Length);
        Assert.Equal(0.25, curves.Kappa[1], 12);
        double meanOutput = exact.Outputs.Average(), baseValue = exact.BaseValues[0];
        Assert.Equal(meanOutput, curves.ExclusionOutput[0], 9);
        Assert.Equal(baseValue, curves.ExclusionOutput[4], 9);
        Assert.Equal(baseValue, curves.InclusionOutput[0], 9);
        Assert.Equal(meanOutput, curves.InclusionOutput[4], 9);
        // Mean drop from removing each row's top feature = mean |φ_top| ≥ mean |φ_i| of any fixed feature.
        double topDrop = 0;
        var perFeature = new double[4];
        for (int r = 0; r < 5; r++)
        {
            var phi = exact.ValuesOf(r);
            int top = 0;
            for (int j = 1; j < 4; j++) if (Math.Abs(phi[j]) > Math.Abs(phi[top])) top = j;
            topDrop += phi[top] / 5;
            for (int j = 0; j < 4; j++) perFeature[j] += Math.Abs(phi[j]) / 5;
        }
        Assert.Equal(meanOutput - topDrop, curves.ExclusionOutput[1], 9);
        var reversed = exact with { Values = exact.Values.Select(p => p == 0 ? 0 : 1 / p).ToArray() }; // inverts the ranking
        var bad = RemovalCurves.Measure(reversed, v, threshold: 0);
        Assert.True(Math.Abs(curves.ExclusionOutput[1] - meanOutput) >= Math.Abs(bad.ExclusionOutput[1] - meanOutput) - 1e-12);
    }

    [Fact]
    public void CurveAccuracyAndAreasFollowTheDefinition()
    {
        // f = x0 + x1 over a zero background, τ = 1.5, labels = 1. Row (1, 1): removing either feature drops f to 1,
        // keeping one gives 1; only the full row is anomalous. Accuracy: exclusion 1, 0, 0; inclusion 0, 0, 1.
        var v = Vf(Linear([1, 1]), [0, 0]);
        var set = new ExactShapleyExplainer(v).Explain([1, 1], 1);
        var c = RemovalCurves.Measure(set, v, 1.5, [1]);
        Assert.Equal([1.0, 0, 0], c.ExclusionAccuracy);
        Assert.Equal([0.0, 0, 1], c.InclusionAccuracy);
        Assert.Equal(0.25, c.ExclusionAuc, 12);  // trapezoids (1 + 0)/2·½ + 0
        Assert.Equal(0.25, c.InclusionAuc, 12);
        Assert.Equal(0.5, c.ExclusionAucFeatures, 12);
        Assert.True(c.AgainstLabels);
        Assert.Null(c.ExclusionLogOdds);
        var noLabels = RemovalCurves.Measure(set, v, 1.5);
        Assert.False(noLabels.AgainstLabels);
        Assert.Equal(1, noLabels.ExclusionAccuracy[0]); // the unmasked decision agrees with itself
    }

    [Fact]
    public void LogOddsSignFollowsTheFeaturesPull()
    {
        // Pr(anomalous) = σ(4·x0 − 4·x1) with a zero background. For x = (1, 0.5): Pr = σ(2), anomalous. Removing x0
        // (pulls towards anomalous) lowers Pr(ŷ): positive log-odds; removing x1 (pulls against) raises it: negative.
        var p = AnomalyProbability.Logistic(Linear([4, -4]), threshold: 0, scale: 1);
        var v = Vf(p, [0, 0]);
        var lo = LogOdds.PerFeature(v, [1, 0.5], 1);
        static double Sigmoid(double t) => 1 / (1 + Math.Exp(-t));
        Assert.Equal(-Math.Log(Sigmoid(-2) / Sigmoid(2)), lo[0], 12);
        Assert.Equal(-Math.Log(Sigmoid(4) / Sigmoid(2)), lo[1], 12);
        Assert.True(lo[0] > 0);
        Assert.True(lo[1] < 0);
        // For a normal row the predicted class is "normal": removing a feature that pulls to normal is positive.
        var normal = LogOdds.PerFeature(v, [0, 1], 1);
        Assert.True(normal[1] > 0);
    }

    [Fact]
    public void LogisticProbabilityIsHalfAtTheThreshold()
    {
        var p = AnomalyProbability.Logistic(Linear([1]), threshold: 0.7, scale: 0.1);
        var o = new double[3];
        p.Evaluate([0.7, 0.8, 0.6], 3, o);
        Assert.Equal(0.5, o[0], 12);
        Assert.Equal(1 / (1 + Math.Exp(-1)), o[1], 9);
        Assert.Equal(1 - o[1], o[2], 9);
        Assert.Throws<ArgumentException>(() => AnomalyProbability.Logistic(Linear([1]), 0, 0));
    }

    // ---- cost and the float value path ----------------------------------------------------------------------------------

    [Fact]
    public void CostCountsAllocationsAndTime()
    {
        var (result, cost) = ExplainerCost.Measure(4, () =>
        {
            var big = new byte[1 << 20];
            big[^1] = 1;
            return big.Length;
        });
        Assert.Equal(1 << 20, result);
        Assert.True(cost.AllocatedBytes >= 1 << 20, $"allocated {cost.AllocatedBytes}");
        Assert.Equal(cost.AllocatedBytes / 4.0, cost.AllocatedBytesPerRow);
        Assert.True(cost.Wall > TimeSpan.Zero);
        Assert.True(cost.PeakWorkingSetGrowth >= 0);
    }

    [Fact]
    public void FloatModelsGiveTheSameValuesAsTheDoublePath()
    {
        // The value function builds masked rows in float for float models; the double path casts the same rows to
        // float before calling the same function, so the values must be identical, whatever the chunking.
        var rng = new Rng(6);
        const int d = 6;
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)rng.NextGaussian();
        float[] F(float[] rows, int n)
        {
            var o = new float[n];
            for (int r = 0; r < n; r++)
            {
                float s = 0;
                for (int j = 0; j < d; j++) s += w[j] * rows[r * d + j] * rows[r * d + j];
                o[r] = s;
            }
            return o;
        }
        var asFloat = ModelFunction.FromFunc(d, F);
        Assert.IsAssignableFrom<IFloatModelFunction>(asFloat);
        var asDouble = ModelFunction.FromDoubleFunc(d, (rows, n) =>
        {
            var f = new float[rows.Length];
            for (int i = 0; i < f.Length; i++) f[i] = (float)rows[i];
            return [.. F(f, n).Select(x => (double)x)];
        });
        var bg = BackgroundSet.Sample(Array.ConvertAll(RandomRows(rng, 30, d), x => (float)x), d, 9, seed: 1);
        var x = RandomRows(rng, 1, d);
        var masks = new byte[50 * d];
        for (int i = 0; i < masks.Length; i++) masks[i] = (byte)rng.NextInt(2);
        var a = new double[50];
        var b = new double[50];
        new ValueFunction(asFloat, bg, chunkRows: 40).Evaluate(x, masks, 50, a);
        new ValueFunction(asDouble, bg, chunkRows: 1000).Evaluate(x, masks, 50, b);
        Assert.Equal(b, a);
    }
}
