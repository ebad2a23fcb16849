namespace Xainomaly.Explanation.Metrics;

/// <summary>Fidelity and agreement of one method's explanations with a reference method's on the same rows.</summary>
public static class ExplanationAgreement
{
    /// <summary>Compares <paramref name="candidate"/> with <paramref name="reference"/> row by row.</summary>
    /// <exception cref="ArgumentException">The sets differ in rows, features or explained data.</exception>
    public static AgreementResult Compare(ExplanationSet candidate, ExplanationSet reference)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        if (candidate.Count != reference.Count || candidate.Width != reference.Width)
            throw new ArgumentException($"The {candidate.Method} explanations cover {candidate.Count} rows × {candidate.Width} features but the {reference.Method} reference covers {reference.Count} × {reference.Width}; compare explanations of the same rows.", nameof(candidate));
        int n = candidate.Count, d = candidate.Width;
        for (int i = 0; i < n * d; i++)
        {
            if (candidate.Data[i] != reference.Data[i])
                throw new ArgumentException($"Row {i / d}, feature '{candidate.FeatureNames[i % d]}' differs between the {candidate.Method} explanations ({candidate.Data[i]}) and the {reference.Method} reference ({reference.Data[i]}); compare explanations of the same rows.", nameof(candidate));
        }
        if (n == 0) return new AgreementResult(candidate.Method, reference.Method, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

        int k = Math.Min(3, d);
        var a = new int[d];
        var b = new int[d];
        int top1 = 0, same = 0, any = 0;
        double jaccard = 0, absError = 0, refMass = 0, cosine = 0;
        for (int r = 0; r < n; r++)
        {
            var p = candidate.ValuesOf(r);
            var q = reference.ValuesOf(r);
            FeatureRanking.Rank(p, a);
            FeatureRanking.Rank(q, b);
            if (a[0] == b[0]) top1++;
            int common = 0;
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    if (a[i] == b[j])
                    {
                        common++;
                        break;
                    }
                }
            }
            if (common == k) same++;
            if (common > 0) any++;
            jaccard += (double)common / (2 * k - common);

            double dot = 0, pp = 0, qq = 0;
            for (int j = 0; j < d; j++)
            {
                absError += Math.Abs(p[j] - q[j]);
                refMass += Math.Abs(q[j]);
                dot += p[j] * q[j];
                pp += p[j] * p[j];
                qq += q[j] * q[j];
            }
            cosine += pp == 0 && qq == 0 ? 1 : pp == 0 || qq == 0 ? 0 : dot / Math.Sqrt(pp * qq);
        }
        return new AgreementResult(candidate.Method, reference.Method, n,
            (double)top1 / n, (double)same / n, (double)any / n, jaccard / n,
            absError / ((double)n * d), refMass > 0 ? absError / refMass : absError == 0 ? 0 : double.PositiveInfinity, cosine / n);
    }
}
