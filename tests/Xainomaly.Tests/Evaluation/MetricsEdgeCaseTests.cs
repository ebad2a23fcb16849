using Xainomaly.Evaluation;

namespace Xainomaly.Tests.Evaluation;

/// <summary>Hand-computed cases: ties, one-class inputs, zero divisions and input errors.</summary>
public sealed class MetricsEdgeCaseTests
{
    [Fact]
    public void AllScoresEqualGiveChanceAuc()
    {
        int[] y = [0, 1, 1, 0, 0, 1, 0];
        double[] s = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
        Assert.Equal(0.5, Metrics.RocAuc(y, s));
        // One threshold: precision = prevalence at recall 1.
        Assert.Equal(3.0 / 7.0, Metrics.AveragePrecision(y, s), 1e-15);
        var roc = RocCurve.Compute(y, s);
        Assert.Equal([0.0, 1.0], roc.FalsePositiveRates);
        Assert.Equal([0.0, 1.0], roc.TruePositiveRates);
    }

    [Fact]
    public void ScikitLearnDocumentationExample()
    {
        // roc_auc_score / average_precision_score / roc_curve docstring example.
        int[] y = [0, 0, 1, 1];
        double[] s = [0.1, 0.4, 0.35, 0.8];
        Assert.Equal(0.75, Metrics.RocAuc(y, s));
        Assert.Equal(0.8333333333333333, Metrics.AveragePrecision(y, s), 1e-15);
        var roc = RocCurve.Compute(y, s, dropIntermediate: true);
        Assert.Equal([0.0, 0.0, 0.5, 0.5, 1.0], roc.FalsePositiveRates);
        Assert.Equal([0.0, 0.5, 0.5, 1.0, 1.0], roc.TruePositiveRates);
        Assert.Equal([double.PositiveInfinity, 0.8, 0.4, 0.35, 0.1], roc.Thresholds);
        var pr = PrecisionRecallCurve.Compute(y, s);
        // scikit-learn 1.2: precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0],
        // thresholds [0.1, 0.35, 0.4, 0.8]; here in reverse order, the extra point carrying threshold +∞.
        Assert.Equal([1.0, 1.0, 0.5, 2.0 / 3.0, 0.5], pr.Precisions);
        Assert.Equal([0.0, 0.5, 0.5, 1.0, 1.0], pr.Recalls);
        Assert.Equal([double.PositiveInfinity, 0.8, 0.4, 0.35, 0.1], pr.Thresholds);
    }

    [Fact]
    public void TiedPositiveAndNegativeCountHalf()
    {
        int[] y = [0, 1, 0, 1];
        double[] s = [0.5, 0.5, 0.2, 0.9];
        // Pairs (pos, neg): (0.5,0.5)=½, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1 → 3.5 / 4.
        Assert.Equal(0.875, Metrics.RocAuc(y, s));
        // Thresholds 0.9: P=1, R=½; 0.5: P=⅔, R=1.
        Assert.Equal((0.5 * 1.0) + (0.5 * 2.0 / 3.0), Metrics.AveragePrecision(y, s), 1e-15);
    }

    [Fact]
    public void NegativeZeroTiesWithZero()
    {
        int[] y = [1, 0];
        double[] s = [0.0, -0.0];
        Assert.Equal(0.5, Metrics.RocAuc(y, s));
    }

    [Fact]
    public void PerfectAndInvertedRanking()
    {
        int[] y = [0, 0, 1, 1, 1];
        double[] s = [1, 2, 3, 4, 5];
        Assert.Equal(1.0, Metrics.RocAuc(y, s));
        Assert.Equal(1.0, Metrics.AveragePrecision(y, s));
        double[] inv = [5, 4, 3, 2, 1];
        Assert.Equal(0.0, Metrics.RocAuc(y, inv));
    }

    [Fact]
    public void OneClassOnlyRaisesForAuc()
    {
        int[] y = [0, 0, 0];
        double[] s = [0.1, 0.2, 0.3];
        var ex = Assert.Throws<ArgumentException>(() => Metrics.RocAuc(y, s));
        Assert.Contains("one class", ex.Message);
        Assert.Throws<ArgumentException>(() => Metrics.AveragePrecision(y, s));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute(y, s));
        int[] allPositive = [1, 1, 1];
        Assert.Throws<ArgumentException>(() => Metrics.RocAuc(allPositive, s));
        Assert.Equal(1.0, Metrics.AveragePrecision(allPositive, s));
    }

    [Fact]
    public void ComputeWithOneClassLeavesRankingFiguresNull()
    {
        int[] y = [0, 0, 0, 0];
        double[] s = [0.1, 0.7, 0.2, 0.3];
        var m = BinaryMetrics.Compute(y, s, 0.5);
        Assert.Null(m.RocAuc);
        Assert.Null(m.AveragePrecision);
        Assert.Equal(0.75, m.Accuracy);
        // scikit-learn's balanced_accuracy leaves out the class absent from the labels.
        Assert.Equal(0.75, m.UnweightedAverageRecall);
        Assert.Equal(0.0, m.Recall);
        Assert.Equal(0.0, m.Precision);
        Assert.Equal(0.0, m.F1);
    }

    [Fact]
    public void NoPredictedPositivesGivesZeroPrecision()
    {
        int[] y = [0, 1, 1, 0];
        int[] p = [0, 0, 0, 0];
        Assert.Equal(0.0, Metrics.Precision(y, p));
        Assert.Equal(0.0, Metrics.F1(y, p));
        Assert.Equal(0.0, Metrics.Recall(y, p));
        Assert.Equal(0.5, Metrics.UnweightedAverageRecall(y, p));
        Assert.Equal(0.5, Metrics.Accuracy(y, p));
    }

    [Fact]
    public void HandCountedConfusionMatrix()
    {
        int[] y = [1, 1, 1, 0, 0, 0, 0, 1];
        double[] s = [0.9, 0.2, 0.6, 0.7, 0.1, 0.6, 0.3, 0.5];
        var m = BinaryMetrics.Compute(y, s, 0.5);
        // score > 0.5: rows 0, 2, 3, 5 flagged; 0.5 itself is not above the threshold.
        Assert.Equal(new ConfusionMatrix(TrueNegatives: 2, FalsePositives: 2, FalseNegatives: 2, TruePositives: 2), m.Confusion);
        Assert.Equal(0.5, m.Precision);
        Assert.Equal(0.5, m.Recall);
        Assert.Equal(0.5, m.F1);
        Assert.Equal(0.5, m.UnweightedAverageRecall);
        Assert.Equal(8, m.Confusion.Total);
    }

    [Fact]
    public void NaNScoreIsRejectedWithItsIndex()
    {
        int[] y = [0, 1, 0];
        double[] s = [0.1, 0.2, double.NaN];
        var ex = Assert.Throws<ArgumentException>(() => Metrics.RocAuc(y, s));
        Assert.Contains("scores[2]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute(y, s, 0.5));
        Assert.Contains("scores[2]", ex.Message);
        float[] f = [float.NaN, 0.2f, 0.3f];
        ex = Assert.Throws<ArgumentException>(() => Metrics.AveragePrecision(y, f));
        Assert.Contains("scores[0]", ex.Message);
    }

    [Fact]
    public void BadLabelsAndLengthsAreRejected()
    {
        int[] y = [0, 2, 1];
        double[] s = [0.1, 0.2, 0.3];
        var ex = Assert.Throws<ArgumentException>(() => Metrics.RocAuc(y, s));
        Assert.Contains("labels[1]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Metrics.Accuracy([0, 1], [0, -1]));
        Assert.Contains("predictions[1]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Metrics.RocAuc([0, 1], [0.1, 0.2, 0.3]));
        Assert.Contains("3 entries", ex.Message);
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy([], []));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute([0, 1], [0.1, 0.2], double.NaN));
    }

    [Fact]
    public void SummaryUsesSampleStandardDeviation()
    {
        var s = MetricSummary.Of([0.80, 0.82, 0.79, 0.81, 0.83]);
        Assert.Equal(0.81, s.Mean, 1e-15);
        Assert.Equal(Math.Sqrt(0.001 / 4), s.StandardDeviation, 1e-15);
        Assert.Equal(5, s.Count);
        Assert.Equal(0.79, s.Min);
        Assert.Equal(0.83, s.Max);
        Assert.Equal("81.00 ± 1.58", s.Format("0.00", 100));

        var one = MetricSummary.Of([0.5]);
        Assert.True(double.IsNaN(one.StandardDeviation));
        Assert.Equal("0.5000 ± n/a", one.Format());
        Assert.Throws<ArgumentException>(() => MetricSummary.Of([]));
        Assert.Throws<ArgumentException>(() => MetricSummary.Of([1.0, double.NaN]));
    }

    [Fact]
    public void SummaryOfRunsAggregatesEveryFigure()
    {
        var a = BinaryMetrics.Compute([0, 1, 0, 1], [0.1, 0.9, 0.6, 0.4], 0.5);
        var b = BinaryMetrics.Compute([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], 0.5);
        var s = BinaryMetricsSummary.Of([a, b]);
        Assert.Equal(0.75, s.UnweightedAverageRecall.Mean);
        Assert.Equal(Math.Sqrt(0.125), s.UnweightedAverageRecall.StandardDeviation, 1e-15);
        Assert.Equal((0.75 + 1.0) / 2, s.RocAuc!.Mean);
        var c = BinaryMetrics.FromPredictions([0, 1], [0, 1]);
        Assert.Null(BinaryMetricsSummary.Of([a, c]).RocAuc);
    }
}
