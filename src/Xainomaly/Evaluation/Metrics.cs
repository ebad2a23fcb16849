namespace Xainomaly.Evaluation;

/// <summary>
/// Binary classification metrics with scikit-learn 1.2's definitions. Labels are 0/1 with 1 = anomaly = the
/// positive class; scores are "higher = more abnormal"; a hard prediction from a score is <c>score &gt; threshold</c>.
/// Ranking metrics sort once (O(n log n)) and treat tied scores as one threshold, exactly as
/// <c>roc_auc_score</c> and <c>average_precision_score</c> do. Every function rejects NaN scores and labels
/// other than 0/1 with an <see cref="ArgumentException"/> naming the offending index.
/// </summary>
public static class Metrics
{
    /// <summary>Share of rows predicted correctly.</summary>
    public static double Accuracy(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions) =>
        NonEmpty(labels, predictions).Accuracy;

    /// <summary>TP / (TP + FP); 0 when nothing is predicted positive (scikit-learn's <c>zero_division=0</c> result).</summary>
    public static double Precision(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions) =>
        NonEmpty(labels, predictions).Precision;

    /// <summary>TP / (TP + FN), the true-positive rate; 0 when there are no positives.</summary>
    public static double Recall(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions) =>
        NonEmpty(labels, predictions).Recall;

    /// <summary>F1 = 2TP / (2TP + FP + FN); 0 when there is no true positive.</summary>
    public static double F1(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions) =>
        NonEmpty(labels, predictions).F1;

    /// <summary>
    /// UAR, the mean of the per-class recalls ((TPR + TNR) / 2), scikit-learn's <c>balanced_accuracy_score</c>.
    /// A class absent from <paramref name="labels"/> is left out of the mean, as scikit-learn does.
    /// </summary>
    public static double UnweightedAverageRecall(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions) =>
        NonEmpty(labels, predictions).UnweightedAverageRecall;

    /// <summary>Writes the hard decisions <c>score &gt; threshold</c> (1 = anomaly) into <paramref name="predictions"/>.</summary>
    public static void Predict(ReadOnlySpan<double> scores, double threshold, Span<int> predictions)
    {
        if (predictions.Length != scores.Length)
            throw new ArgumentException($"predictions has {predictions.Length} entries but scores has {scores.Length}; expected one per row.", nameof(predictions));
        MetricGuard.Threshold(threshold);
        for (int i = 0; i < scores.Length; i++)
        {
            if (double.IsNaN(scores[i])) MetricGuard.ThrowNaNScore(i);
            predictions[i] = scores[i] > threshold ? 1 : 0;
        }
    }

    /// <inheritdoc cref="Predict(ReadOnlySpan{double}, double, Span{int})"/>
    public static void Predict(ReadOnlySpan<float> scores, double threshold, Span<int> predictions)
    {
        if (predictions.Length != scores.Length)
            throw new ArgumentException($"predictions has {predictions.Length} entries but scores has {scores.Length}; expected one per row.", nameof(predictions));
        MetricGuard.Threshold(threshold);
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) MetricGuard.ThrowNaNScore(i);
            predictions[i] = scores[i] > threshold ? 1 : 0;
        }
    }

    /// <summary>
    /// Area under the ROC curve built from the distinct score thresholds (trapezoid rule), so a tie between a
    /// positive and a negative counts one half, as in scikit-learn's <c>roc_auc_score</c>. Equals the
    /// Mann–Whitney probability P(s⁺ &gt; s⁻) + ½ P(s⁺ = s⁻); computed with exact integer arithmetic.
    /// </summary>
    /// <exception cref="ArgumentException">Labels hold one class only (ROC-AUC is undefined), or bad input.</exception>
    public static double RocAuc(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return RocAuc(ranked);
    }

    /// <inheritdoc cref="RocAuc(ReadOnlySpan{int}, ReadOnlySpan{double})"/>
    public static double RocAuc(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return RocAuc(ranked);
    }

    /// <summary>
    /// Average precision, scikit-learn's <c>average_precision_score</c>: Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct
    /// thresholds from the highest score down, without interpolation.
    /// </summary>
    /// <exception cref="ArgumentException">No positive label (scikit-learn warns and returns a meaningless value; we refuse), or bad input.</exception>
    public static double AveragePrecision(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return AveragePrecision(ranked);
    }

    /// <inheritdoc cref="AveragePrecision(ReadOnlySpan{int}, ReadOnlySpan{double})"/>
    public static double AveragePrecision(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return AveragePrecision(ranked);
    }

    internal static double RocAuc(RankedScores ranked)
    {
        ranked.RequireBothClasses("ROC-AUC");
        ReadOnlySpan<double> s = ranked.Scores;
        ReadOnlySpan<byte> pos = ranked.Positive;
        long tp = 0, fp = 0, prevTp = 0, prevFp = 0;
        // Twice the trapezoid area in units of (1/N)·(1/P): integer, hence exact, for any span length.
        long area2 = 0;
        for (int i = s.Length - 1; i >= 0; i--)
        {
            if (pos[i] != 0) tp++;
            else fp++;
            if (i == 0 || s[i - 1] != s[i])
            {
                area2 += (fp - prevFp) * (tp + prevTp);
                prevTp = tp;
                prevFp = fp;
            }
        }
        return area2 / (2.0 * ranked.Positives * ranked.Negatives);
    }

    internal static double AveragePrecision(RankedScores ranked)
    {
        ranked.RequirePositives("Average precision");
        ReadOnlySpan<double> s = ranked.Scores;
        ReadOnlySpan<byte> pos = ranked.Positive;
        double positives = ranked.Positives;
        long tp = 0, fp = 0, prevTp = 0;
        double ap = 0;
        for (int i = s.Length - 1; i >= 0; i--)
        {
            if (pos[i] != 0) tp++;
            else fp++;
            if (i == 0 || s[i - 1] != s[i])
            {
                if (tp != prevTp) ap += (tp - prevTp) / positives * ((double)tp / (tp + fp));
                prevTp = tp;
                // Past full recall every further step adds zero recall, so the sum is complete.
                if (tp == ranked.Positives) break;
            }
        }
        return ap;
    }

    private static ConfusionMatrix NonEmpty(ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions)
    {
        MetricGuard.SameLength(labels.Length, predictions.Length, nameof(predictions));
        MetricGuard.NotEmpty(labels.Length);
        return ConfusionMatrix.FromPredictions(labels, predictions);
    }
}
