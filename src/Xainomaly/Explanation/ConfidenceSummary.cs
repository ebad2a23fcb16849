namespace Xainomaly.Explanation;

/// <summary>fastSHAP-C reliability over a set of explanations: CS and EM (lower is better) and the efficiency gap.</summary>
/// <param name="Count">Rows summarised.</param>
/// <param name="MeanCs">Mean confidence score.</param>
/// <param name="MedianCs">Median confidence score.</param>
/// <param name="P90Cs">90th percentile of the confidence score.</param>
/// <param name="MeanEm">Mean error metric.</param>
/// <param name="MedianEm">Median error metric.</param>
/// <param name="P90Em">90th percentile of the error metric.</param>
/// <param name="MaxAbsEfficiencyGap">Largest |f(x) − E f − Σφ|.</param>
public sealed record ConfidenceSummary(int Count, double MeanCs, double MedianCs, double P90Cs, double MeanEm, double MedianEm, double P90Em, double MaxAbsEfficiencyGap)
{
    /// <summary>Summarises a fastSHAP-C <see cref="ExplanationSet"/>.</summary>
    /// <exception cref="ArgumentException">The set carries no confidence scores (not made by fastSHAP-C).</exception>
    public static ConfidenceSummary From(ExplanationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.ConfidenceScores is null || set.ErrorMetrics is null)
            throw new ArgumentException($"The {set.Method} explanations carry no confidence scores; explain with fastSHAP-C to get CS and EM.", nameof(set));
        double gap = 0;
        if (set.EfficiencyGaps is { } gaps)
            foreach (var g in gaps) gap = Math.Max(gap, Math.Abs(g));
        var cs = set.ConfidenceScores;
        var em = set.ErrorMetrics;
        return new ConfidenceSummary(set.Count, Mean(cs), Quantile(cs, 0.5), Quantile(cs, 0.9), Mean(em), Quantile(em, 0.5), Quantile(em, 0.9), gap);
    }

    private static double Mean(double[] x)
    {
        if (x.Length == 0) return double.NaN;
        double s = 0;
        foreach (var v in x) s += v;
        return s / x.Length;
    }

    // Linear interpolation between order statistics (numpy's default), so small sets give stable figures.
    private static double Quantile(double[] x, double q)
    {
        if (x.Length == 0) return double.NaN;
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
