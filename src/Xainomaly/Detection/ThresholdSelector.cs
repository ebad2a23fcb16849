namespace Xainomaly.Detection;

/// <summary>Chooses a decision threshold τ (anomalous when score &gt; τ) from scores.</summary>
public static class ThresholdSelector
{
    /// <summary>
    /// The τ that maximises UAR on labelled scores; ties go to the widest gap between neighbouring scores,
    /// and τ sits midway in that gap so that it generalises rather than touching a training score.
    /// </summary>
    public static double MaximizeUar(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException("scores and labels differ in length.");
        int n = scores.Length;
        int pos = 0;
        for (int i = 0; i < n; i++) pos += labels[i] == 1 ? 1 : 0;
        int neg = n - pos;
        if (pos == 0 || neg == 0) throw new ArgumentException("Choosing a threshold needs labelled rows of both classes.");
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        // Threshold below everything: all predicted anomalous → TPR 1, TNR 0.
        int tn = 0, fn = 0;
        double best = 0.5, bestGap = -1, bestTau = keys[0] - 1e-6;
        for (int k = 0; k < n; k++)
        {
            if (labels[order[k]] == 1) fn++; else tn++;
            if (k + 1 < n && keys[k + 1] == keys[k]) continue;
            double uar = 0.5 * ((double)tn / neg + (double)(pos - fn) / pos);
            double next = k + 1 < n ? keys[k + 1] : keys[k] + Math.Max(1e-6, Math.Abs(keys[k]) * 1e-3);
            double gap = next - keys[k];
            if (uar > best + 1e-12 || (Math.Abs(uar - best) <= 1e-12 && gap > bestGap))
            {
                best = uar;
                bestGap = gap;
                bestTau = keys[k] + gap / 2;
            }
        }
        return bestTau;
    }

    /// <summary>The τ that flags the top <paramref name="contamination"/> share of <paramref name="scores"/> (no labels needed).</summary>
    public static double Quantile(ReadOnlySpan<float> scores, double contamination)
    {
        if (!(contamination > 0 && contamination < 1)) throw new ArgumentOutOfRangeException(nameof(contamination), contamination, "Contamination must be in (0, 1).");
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        double q = (1 - contamination) * (sorted.Length - 1);
        int lo = (int)Math.Floor(q);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (q - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>UAR of the decisions <c>score &gt; τ</c>.</summary>
    public static double UarAt(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double tau)
    {
        // Computed here rather than through Evaluation/, which sits below Detection/ in the layering.
        int tp = 0, pos = 0, tn = 0, neg = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool flagged = scores[i] > tau;
            if (labels[i] == 1) { pos++; if (flagged) tp++; }
            else { neg++; if (!flagged) tn++; }
        }
        double tpr = pos == 0 ? 0 : (double)tp / pos, tnr = neg == 0 ? 0 : (double)tn / neg;
        return 0.5 * (tpr + tnr);
    }
}
