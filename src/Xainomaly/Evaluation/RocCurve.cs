namespace Xainomaly.Evaluation;

/// <summary>
/// Points of a ROC curve, one per distinct score threshold from the highest score down, preceded by the origin
/// (threshold +∞, where nothing is flagged). Point k flags the rows with <c>score ≥ Thresholds[k]</c>.
/// </summary>
/// <param name="FalsePositiveRates">FPR of each point, non-decreasing from 0 to 1.</param>
/// <param name="TruePositiveRates">TPR of each point, non-decreasing from 0 to 1.</param>
/// <param name="Thresholds">Score threshold of each point, strictly decreasing; the first is +∞.</param>
public sealed record RocCurve(IReadOnlyList<double> FalsePositiveRates, IReadOnlyList<double> TruePositiveRates, IReadOnlyList<double> Thresholds)
{
    /// <summary>Number of points.</summary>
    public int Count => Thresholds.Count;

    /// <summary>Trapezoid area under the points (equals <see cref="Metrics.RocAuc(ReadOnlySpan{int}, ReadOnlySpan{double})"/> up to rounding).</summary>
    public double Area()
    {
        double area = 0;
        for (int k = 1; k < Count; k++)
            area += (FalsePositiveRates[k] - FalsePositiveRates[k - 1]) * (TruePositiveRates[k] + TruePositiveRates[k - 1]) * 0.5;
        return area;
    }

    /// <summary>
    /// Builds the curve. With <paramref name="dropIntermediate"/> the points on straight segments are dropped as
    /// scikit-learn's <c>roc_curve(drop_intermediate=True)</c> does (same shape and area, fewer points to plot).
    /// </summary>
    /// <exception cref="ArgumentException">Labels hold one class only, a label is not 0/1 or a score is NaN.</exception>
    public static RocCurve Compute(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores, bool dropIntermediate = false)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return Compute(ranked, dropIntermediate);
    }

    /// <inheritdoc cref="Compute(ReadOnlySpan{int}, ReadOnlySpan{double}, bool)"/>
    public static RocCurve Compute(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores, bool dropIntermediate = false)
    {
        using var ranked = RankedScores.Create(labels, scores);
        return Compute(ranked, dropIntermediate);
    }

    private static RocCurve Compute(RankedScores ranked, bool dropIntermediate)
    {
        ranked.RequireBothClasses("The ROC curve");
        ReadOnlySpan<double> s = ranked.Scores;
        ReadOnlySpan<byte> pos = ranked.Positive;
        var tps = new List<long>();
        var fps = new List<long>();
        var thresholds = new List<double>();
        long tp = 0, fp = 0;
        for (int i = s.Length - 1; i >= 0; i--)
        {
            if (pos[i] != 0) tp++;
            else fp++;
            if (i == 0 || s[i - 1] != s[i])
            {
                tps.Add(tp);
                fps.Add(fp);
                thresholds.Add(s[i]);
            }
        }

        int m = thresholds.Count;
        var keep = new bool[m];
        for (int k = 0; k < m; k++)
        {
            // scikit-learn keeps the end points and every corner (non-zero second difference of fps or tps).
            keep[k] = !dropIntermediate || k == 0 || k == m - 1
                || (fps[k + 1] - (2 * fps[k]) + fps[k - 1]) != 0
                || (tps[k + 1] - (2 * tps[k]) + tps[k - 1]) != 0;
        }

        double p = ranked.Positives, n = ranked.Negatives;
        var fpr = new List<double> { 0.0 };
        var tpr = new List<double> { 0.0 };
        var thr = new List<double> { double.PositiveInfinity };
        for (int k = 0; k < m; k++)
        {
            if (!keep[k]) continue;
            fpr.Add(fps[k] / n);
            tpr.Add(tps[k] / p);
            thr.Add(thresholds[k]);
        }
        return new RocCurve(fpr.ToArray(), tpr.ToArray(), thr.ToArray());
    }
}
