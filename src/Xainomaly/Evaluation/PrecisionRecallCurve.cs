namespace Xainomaly.Evaluation;

/// <summary>
/// Points of a precision–recall curve, one per distinct score threshold from the highest score down, preceded by
/// (recall 0, precision 1) at threshold +∞ — the points of scikit-learn's (≥ 1.1) <c>precision_recall_curve</c>,
/// listed in the opposite order. Point k flags the rows with <c>score ≥ Thresholds[k]</c>.
/// </summary>
/// <param name="Precisions">Precision of each point.</param>
/// <param name="Recalls">Recall of each point, non-decreasing from 0 to 1.</param>
/// <param name="Thresholds">Score threshold of each point, strictly decreasing; the first is +∞.</param>
public sealed record PrecisionRecallCurve(IReadOnlyList<double> Precisions, IReadOnlyList<double> Recalls, IReadOnlyList<double> Thresholds)
{
    /// <summary>Number of points.</summary>
    public int Count => Thresholds.Count;

    /// <summary>Σ (Rₖ − Rₖ₋₁) Pₖ over the points (equals <see cref="Metrics.AveragePrecision(ReadOnlySpan{int}, ReadOnlySpan{double})"/>).</summary>
    public double AveragePrecision()
    {
        double ap = 0;
        for (int k = 1; k < Count; k++) ap += (Recalls[k] - Recalls[k - 1]) * Precisions[k];
        return ap;
    }

    /// <summary>Builds the curve.</summary>
    /// <exception cref="ArgumentException">No positive label, a label is not 0/1 or a score is NaN.</exception>
    public static PrecisionRecallCurve Compute(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return Compute(ranked);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{int}, ReadOnlySpan{double})"/>
    public static PrecisionRecallCurve Compute(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return Compute(ranked);
    }

    private static PrecisionRecallCurve Compute(RankedScores ranked)
    {
        ranked.RequirePositives("The precision-recall curve");
        ReadOnlySpan<double> s = ranked.Scores;
        ReadOnlySpan<byte> pos = ranked.Positive;
        double positives = ranked.Positives;
        var precision = new List<double> { 1.0 };
        var recall = new List<double> { 0.0 };
        var thr = new List<double> { double.PositiveInfinity };
        long tp = 0, fp = 0;
        for (int i = s.Length - 1; i >= 0; i--)
        {
            if (pos[i] != 0) tp++;
            else fp++;
            if (i == 0 || s[i - 1] != s[i])
            {
                precision.Add((double)tp / (tp + fp));
                recall.Add(tp / positives);
                thr.Add(s[i]);
            }
        }
        return new PrecisionRecallCurve(precision.ToArray(), recall.ToArray(), thr.ToArray());
    }
}
