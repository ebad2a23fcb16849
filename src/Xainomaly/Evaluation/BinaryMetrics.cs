namespace Xainomaly.Evaluation;

/// <summary>
/// Every figure of one binary evaluation (1 = anomaly = positive class). The threshold-based figures come from
/// <see cref="Confusion"/>; the ranking figures need scores and both classes, so they are null for a detector
/// that only decides (<see cref="FromPredictions"/>) or for labels of a single class.
/// </summary>
/// <param name="Confusion">TN, FP, FN, TP.</param>
/// <param name="Threshold">The threshold behind the decisions (<c>score &gt; threshold</c>), null for predictions given directly.</param>
/// <param name="RocAuc">Area under the ROC curve (ties count ½), null without scores or with one class only.</param>
/// <param name="AveragePrecision">Average precision, null without scores or with one class only.</param>
public sealed record BinaryMetrics(ConfusionMatrix Confusion, double? Threshold, double? RocAuc, double? AveragePrecision)
{
    /// <summary>Share of rows decided correctly.</summary>
    public double Accuracy => Confusion.Accuracy;

    /// <summary>TP / (TP + FP); 0 when nothing is predicted positive.</summary>
    public double Precision => Confusion.Precision;

    /// <summary>TP / (TP + FN); 0 when there are no positives.</summary>
    public double Recall => Confusion.Recall;

    /// <summary>2TP / (2TP + FP + FN); 0 when there is no true positive.</summary>
    public double F1 => Confusion.F1;

    /// <summary>Mean of the per-class recalls, (TPR + TNR) / 2.</summary>
    public double UnweightedAverageRecall => Confusion.UnweightedAverageRecall;

    /// <summary>Evaluates scores against labels; a row is predicted anomalous when <c>score &gt; threshold</c>.</summary>
    /// <exception cref="ArgumentException">Empty or mismatched inputs, a label not 0/1, a NaN score or threshold (the index is named).</exception>
    public static BinaryMetrics Compute(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores, double threshold)
    {
        var confusion = ConfusionMatrix.FromScores(labels, scores, threshold);
        MetricGuard.NotEmpty(labels.Length);
        using var ranked = RankedScores.Create(labels, scores);
        return WithRanking(confusion, threshold, ranked);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{int}, ReadOnlySpan{double}, double)"/>
    public static BinaryMetrics Compute(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores, double threshold)
    {
        var confusion = ConfusionMatrix.FromScores(labels, scores, threshold);
        MetricGuard.NotEmpty(labels.Length);
        using var ranked = RankedScores.Create(labels, scores);
        return WithRanking(confusion, threshold, ranked);
    }

    /// <summary>Evaluates hard decisions (0/1) of a detector that does not expose a score.</summary>
    /// <exception cref="ArgumentException">Empty or mismatched inputs, or a value not 0/1 (the index is named).</exception>
    public static BinaryMetrics FromPredictions(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions)
    {
        var confusion = ConfusionMatrix.FromPredictions(labels, predictions);
        MetricGuard.NotEmpty(labels.Length);
        return new BinaryMetrics(confusion, null, null, null);
    }

    private static BinaryMetrics WithRanking(ConfusionMatrix confusion, double threshold, RankedScores ranked)
    {
        bool bothClasses = ranked.Positives > 0 && ranked.Negatives > 0;
        return new BinaryMetrics(
            confusion,
            threshold,
            bothClasses ? Metrics.RocAuc(ranked) : null,
            bothClasses ? Metrics.AveragePrecision(ranked) : null);
    }
}
