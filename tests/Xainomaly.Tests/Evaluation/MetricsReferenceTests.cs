using System.Text.Json;

using Xainomaly.Evaluation;

namespace Xainomaly.Tests.Evaluation;

/// <summary>Every figure against scikit-learn 1.2.1 values stored in ../shared/reference/metrics.json.</summary>
public sealed class MetricsReferenceTests
{
    private const double Tol = 1e-9;

    private sealed record Reference(int[] Labels, double[] Scores, double Threshold, int[] Predictions,
        double Accuracy, double Precision, double Recall, double F1, double Uar, double RocAuc, double AveragePrecision, long[] Confusion);

    private static readonly Lazy<Reference> Ref = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.SharedReference, "metrics.json")));
        var r = doc.RootElement;
        static T[] Arr<T>(JsonElement e, Func<JsonElement, T> f)
        {
            var a = new T[e.GetArrayLength()];
            int i = 0;
            foreach (var x in e.EnumerateArray()) a[i++] = f(x);
            return a;
        }
        return new Reference(
            Arr(r.GetProperty("labels"), e => e.GetInt32()),
            Arr(r.GetProperty("scores"), e => e.GetDouble()),
            r.GetProperty("threshold").GetDouble(),
            Arr(r.GetProperty("predictions"), e => e.GetInt32()),
            r.GetProperty("accuracy").GetDouble(),
            r.GetProperty("precision").GetDouble(),
            r.GetProperty("recall").GetDouble(),
            r.GetProperty("f1").GetDouble(),
            r.GetProperty("uar").GetDouble(),
            r.GetProperty("roc_auc").GetDouble(),
            r.GetProperty("average_precision").GetDouble(),
            Arr(r.GetProperty("confusion_matrix_tn_fp_fn_tp"), e => e.GetInt64()));
    });

    [Fact]
    public void ComputeMatchesScikitLearn()
    {
        var r = Ref.Value;
        var m = BinaryMetrics.Compute(r.Labels, r.Scores, r.Threshold);
        Assert.Equal(new ConfusionMatrix(r.Confusion[0], r.Confusion[1], r.Confusion[2], r.Confusion[3]), m.Confusion);
        Assert.Equal(r.Accuracy, m.Accuracy, Tol);
        Assert.Equal(r.Precision, m.Precision, Tol);
        Assert.Equal(r.Recall, m.Recall, Tol);
        Assert.Equal(r.F1, m.F1, Tol);
        Assert.Equal(r.Uar, m.UnweightedAverageRecall, Tol);
        Assert.Equal(r.RocAuc, m.RocAuc!.Value, Tol);
        Assert.Equal(r.AveragePrecision, m.AveragePrecision!.Value, Tol);
        Assert.Equal(r.Threshold, m.Threshold);
    }

    [Fact]
    public void ReferenceScoresContainTies()
    {
        // The reference exercises scikit-learn's tie handling only if scores repeat.
        var r = Ref.Value;
        Assert.True(r.Scores.Distinct().Count() < r.Scores.Length);
    }

    [Fact]
    public void PredictionsMatchScikitLearn()
    {
        var r = Ref.Value;
        var predictions = new int[r.Scores.Length];
        Metrics.Predict(r.Scores, r.Threshold, predictions);
        Assert.Equal(r.Predictions, predictions);

        var m = BinaryMetrics.FromPredictions(r.Labels, r.Predictions);
        Assert.Equal(r.Accuracy, m.Accuracy, Tol);
        Assert.Equal(r.Precision, m.Precision, Tol);
        Assert.Equal(r.Recall, m.Recall, Tol);
        Assert.Equal(r.F1, m.F1, Tol);
        Assert.Equal(r.Uar, m.UnweightedAverageRecall, Tol);
        Assert.Null(m.RocAuc);
        Assert.Null(m.AveragePrecision);
        Assert.Null(m.Threshold);
    }

    [Fact]
    public void IndividualFunctionsMatchScikitLearn()
    {
        var r = Ref.Value;
        Assert.Equal(r.Accuracy, Metrics.Accuracy(r.Labels, r.Predictions), Tol);
        Assert.Equal(r.Precision, Metrics.Precision(r.Labels, r.Predictions), Tol);
        Assert.Equal(r.Recall, Metrics.Recall(r.Labels, r.Predictions), Tol);
        Assert.Equal(r.F1, Metrics.F1(r.Labels, r.Predictions), Tol);
        Assert.Equal(r.Uar, Metrics.UnweightedAverageRecall(r.Labels, r.Predictions), Tol);
        Assert.Equal(r.RocAuc, Metrics.RocAuc(r.Labels, r.Scores), Tol);
        Assert.Equal(r.AveragePrecision, Metrics.AveragePrecision(r.Labels, r.Scores), Tol);
    }

    [Fact]
    public void FloatScoresGiveTheSameFigures()
    {
        // The reference scores have one decimal; rounding them to float keeps their order and ties.
        var r = Ref.Value;
        var f = Array.ConvertAll(r.Scores, s => (float)s);
        var m = BinaryMetrics.Compute(r.Labels, f, r.Threshold);
        Assert.Equal(r.RocAuc, m.RocAuc!.Value, Tol);
        Assert.Equal(r.AveragePrecision, m.AveragePrecision!.Value, Tol);
        Assert.Equal(r.Accuracy, m.Accuracy, Tol);
        Assert.Equal(r.RocAuc, Metrics.RocAuc(r.Labels, f), Tol);
        Assert.Equal(r.AveragePrecision, Metrics.AveragePrecision(r.Labels, f), Tol);
    }

    [Fact]
    public void CurvesAgreeWithTheScalarFigures()
    {
        var r = Ref.Value;
        var roc = RocCurve.Compute(r.Labels, r.Scores);
        var rocDropped = RocCurve.Compute(r.Labels, r.Scores, dropIntermediate: true);
        Assert.Equal(r.RocAuc, roc.Area(), Tol);
        Assert.Equal(r.RocAuc, rocDropped.Area(), Tol);
        Assert.True(rocDropped.Count < roc.Count);
        Assert.Equal(r.Scores.Distinct().Count() + 1, roc.Count);
        Assert.Equal(double.PositiveInfinity, roc.Thresholds[0]);
        Assert.Equal(1.0, roc.FalsePositiveRates[^1]);
        Assert.Equal(1.0, roc.TruePositiveRates[^1]);

        var pr = PrecisionRecallCurve.Compute(r.Labels, r.Scores);
        Assert.Equal(r.AveragePrecision, pr.AveragePrecision(), Tol);
        Assert.Equal(1.0, pr.Recalls[^1]);
        Assert.Equal(roc.Count, pr.Count);
        Assert.Equal((0.0, 1.0), (pr.Recalls[0], pr.Precisions[0]));
    }
}
