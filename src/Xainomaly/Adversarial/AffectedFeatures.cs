using Xainomaly.Data;
using Xainomaly.Explanation;

namespace Xainomaly.Adversarial;

/// <summary>
/// Which features an attack used: per attackable feature, how many rows it changed and by how much (physical units),
/// ranked as in the SON paper, and compared with the model's own mean-|φ| ranking (the XAI/attack link).
/// </summary>
public static class AffectedFeatures
{
    /// <summary>Ranks the features of <paramref name="mask"/> by the changes in <paramref name="result"/>.</summary>
    /// <param name="clean">The clean rows the attack started from (row-major).</param>
    /// <param name="result">The attack's result on those rows.</param>
    /// <param name="mask">The attackable inputs.</param>
    /// <param name="features">Preprocessor features (for names, units and ranges); per-record detectors only.</param>
    /// <param name="shap">Optional explanations of (some of) the attacked rows, same width.</param>
    public static AffectedFeatureReport Compute(ReadOnlySpan<float> clean, AttackResult result, FeatureMask mask, IReadOnlyList<PreprocessorFeature> features, ExplanationSet? shap = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(features);
        int d = result.Width, n = result.Count;
        if (features.Count != d) throw new ArgumentException($"{features.Count} feature descriptions for {d} inputs.", nameof(features));
        if (clean.Length < (long)n * d) throw new ArgumentException("clean holds fewer rows than the result.", nameof(clean));
        var rows = new int[d];
        var sum = new double[d];
        int attackedRows = 0;
        for (int i = 0; i < n; i++)
        {
            var rec = result.Rows[i];
            if (rec.L0 == 0) continue;
            attackedRows++;
            foreach (int j in rec.ChangedFeatures)
            {
                rows[j]++;
                sum[j] += Math.Abs(result.Adversarial[i * d + j] - clean[i * d + j]);
            }
        }
        double[]? meanShap = null;
        if (shap is not null)
        {
            if (shap.Width != d) throw new ArgumentException($"The explanations have {shap.Width} features, the attack {d}.", nameof(shap));
            meanShap = new double[d];
            for (int r = 0; r < shap.Count; r++)
            {
                var v = shap.ValuesOf(r);
                for (int j = 0; j < d; j++) meanShap[j] += Math.Abs(v[j]) / shap.Count;
            }
        }
        var idx = mask.Indices.ToArray();
        var byAttack = idx.OrderByDescending(j => rows[j]).ThenByDescending(j => rows[j] == 0 ? 0 : sum[j] / rows[j]).ThenBy(j => j).ToArray();
        var attackRank = new Dictionary<int, int>();
        for (int r = 0; r < byAttack.Length; r++) attackRank[byAttack[r]] = r + 1;
        Dictionary<int, int>? shapRank = null;
        double? rho = null;
        if (meanShap is not null)
        {
            var byShap = idx.OrderByDescending(j => meanShap[j]).ThenBy(j => j).ToArray();
            shapRank = [];
            for (int r = 0; r < byShap.Length; r++) shapRank[byShap[r]] = r + 1;
            // Spearman over average ranks: ties (e.g. features the attack never touched) share their mean rank.
            var a = new double[idx.Length];
            var b = new double[idx.Length];
            for (int k = 0; k < idx.Length; k++)
            {
                int j = idx[k];
                a[k] = rows[j] + (rows[j] == 0 ? 0 : sum[j] / rows[j] * 1e-6);
                b[k] = meanShap[j];
            }
            rho = Spearman(a, b);
        }
        var list = new List<AffectedFeature>(byAttack.Length);
        foreach (int j in byAttack)
        {
            var f = features[j];
            double meanDelta = rows[j] == 0 ? 0 : sum[j] / rows[j];
            list.Add(new AffectedFeature(j, f.Name, f.Unit, rows[j], meanDelta, f.IsOneHot ? meanDelta : meanDelta * f.Range, attackRank[j],
                meanShap?[j], shapRank?[j]));
        }
        return new AffectedFeatureReport(list, attackedRows, shap?.Method, rho);
    }

    /// <summary>Explains up to <paramref name="maxRows"/> rows with <paramref name="explainer"/> (the rows an attack changed, for the SHAP ranking).</summary>
    public static ExplanationSet Explain(IShapleyExplainer explainer, ReadOnlySpan<float> rows, int width, IReadOnlyList<int> which, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        ArgumentNullException.ThrowIfNull(which);
        int n = Math.Min(maxRows, which.Count);
        var x = new double[n * width];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < width; j++) x[k * width + j] = rows[which[k] * width + j];
        return explainer.Explain(x, n);
    }

    /// <summary>Spearman's rank correlation with average ranks for ties; null when either side is constant or has fewer than 2 values.</summary>
    public static double? Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException("Both sides need the same number of values.");
        if (a.Count < 2) return null;
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? null : sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(IReadOnlyList<double> v)
    {
        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
        var r = new double[v.Count];
        for (int s = 0; s < order.Length;)
        {
            int e = s;
            while (e + 1 < order.Length && v[order[e + 1]] == v[order[s]]) e++;
            double avg = (s + e) / 2.0 + 1;
            for (int k = s; k <= e; k++) r[order[k]] = avg;
            s = e + 1;
        }
        return r;
    }
}
