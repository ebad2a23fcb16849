namespace Xainomaly.Evaluation;

/// <summary>
/// Counts of a binary decision against the truth, 1 (anomaly) being the positive class. The derived rates follow
/// scikit-learn's zero-division convention: a ratio whose denominator is zero is 0, never NaN.
/// </summary>
/// <param name="TrueNegatives">Normal rows predicted normal.</param>
/// <param name="FalsePositives">Normal rows predicted anomalous.</param>
/// <param name="FalseNegatives">Anomalous rows predicted normal.</param>
/// <param name="TruePositives">Anomalous rows predicted anomalous.</param>
public sealed record ConfusionMatrix(long TrueNegatives, long FalsePositives, long FalseNegatives, long TruePositives)
{
    /// <summary>Number of rows counted.</summary>
    public long Total => TrueNegatives + FalsePositives + FalseNegatives + TruePositives;

    /// <summary>Rows whose label is 1.</summary>
    public long Positives => TruePositives + FalseNegatives;

    /// <summary>Rows whose label is 0.</summary>
    public long Negatives => TrueNegatives + FalsePositives;

    /// <summary>Rows predicted 1.</summary>
    public long PredictedPositives => TruePositives + FalsePositives;

    /// <summary>(TP + TN) / n; 0 for an empty matrix.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>TP / (TP + FP); 0 when nothing is predicted positive (scikit-learn's <c>zero_division=0</c>).</summary>
    public double Precision => Ratio(TruePositives, PredictedPositives);

    /// <summary>True-positive rate TP / (TP + FN); 0 when there are no positives.</summary>
    public double Recall => Ratio(TruePositives, Positives);

    /// <summary>True-negative rate (specificity) TN / (TN + FP); 0 when there are no negatives.</summary>
    public double Specificity => Ratio(TrueNegatives, Negatives);

    /// <summary>False-positive rate FP / (FP + TN); 0 when there are no negatives.</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, Negatives);

    /// <summary>
    /// Harmonic mean of precision and recall, computed as 2TP / (2TP + FP + FN), which equals
    /// 2PR / (P + R) and is 0 where that is undefined (no true positives).
    /// </summary>
    public double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>
    /// Unweighted average recall (scikit-learn's <c>balanced_accuracy_score</c>): the mean of the recalls of the
    /// classes present in the labels, (TPR + TNR) / 2 when both are. A class absent from the labels is left out
    /// rather than counted as 0, as scikit-learn does. Throws when the matrix is empty.
    /// </summary>
    public double UnweightedAverageRecall
    {
        get
        {
            if (Positives > 0 && Negatives > 0) return 0.5 * (Recall + Specificity);
            if (Positives > 0) return Recall;
            if (Negatives > 0) return Specificity;
            throw new InvalidOperationException("Unweighted average recall of an empty confusion matrix is undefined.");
        }
    }

    /// <summary>Cell-wise sum, e.g. to combine batches of one evaluation.</summary>
    public static ConfusionMatrix operator +(ConfusionMatrix a, ConfusionMatrix b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.TrueNegatives + b.TrueNegatives, a.FalsePositives + b.FalsePositives,
            a.FalseNegatives + b.FalseNegatives, a.TruePositives + b.TruePositives);
    }

    /// <summary>Counts <paramref name="predictions"/> (0/1) against <paramref name="labels"/> (0/1).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a label or prediction is not 0 or 1 (the index is named).</exception>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions)
    {
        MetricGuard.SameLength(labels.Length, predictions.Length, nameof(predictions));
        long tn = 0, fp = 0, fn = 0, tp = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i], p = predictions[i];
            if ((uint)y > 1) MetricGuard.ThrowBadLabel(i, y);
            if ((uint)p > 1) throw new ArgumentException($"predictions[{i}] is {p}; expected 0 (normal) or 1 (anomaly).", nameof(predictions));
            if (y == 1)
            {
                if (p == 1) tp++;
                else fn++;
            }
            else if (p == 1) fp++;
            else tn++;
        }
        return new(tn, fp, fn, tp);
    }

    /// <summary>Counts the decisions <c>score &gt; threshold</c> against <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0/1 or a score is NaN (the index is named).</exception>
    public static ConfusionMatrix FromScores(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores, double threshold) => FromScoresCore(labels, scores, threshold);

    /// <inheritdoc cref="FromScores(ReadOnlySpan{int}, ReadOnlySpan{double}, double)"/>
    public static ConfusionMatrix FromScores(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores, double threshold) => FromScoresCore(labels, scores, threshold);

    private static ConfusionMatrix FromScoresCore<T>(ReadOnlySpan<int> labels, ReadOnlySpan<T> scores, double threshold)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        MetricGuard.SameLength(labels.Length, scores.Length, nameof(scores));
        MetricGuard.Threshold(threshold);
        long tn = 0, fp = 0, fn = 0, tp = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            double s = double.CreateChecked(scores[i]);
            if ((uint)y > 1) MetricGuard.ThrowBadLabel(i, y);
            if (double.IsNaN(s)) MetricGuard.ThrowNaNScore(i);
            bool p = s > threshold;
            if (y == 1)
            {
                if (p) tp++;
                else fn++;
            }
            else if (p) fp++;
            else tn++;
        }
        return new(tn, fp, fn, tp);
    }

    /// <summary>Compact form for logs: <c>TN=.. FP=.. FN=.. TP=..</c>.</summary>
    public override string ToString() => $"TN={TrueNegatives} FP={FalsePositives} FN={FalseNegatives} TP={TruePositives}";

    private static double Ratio(long num, long den) => den == 0 ? 0.0 : (double)num / den;
}
