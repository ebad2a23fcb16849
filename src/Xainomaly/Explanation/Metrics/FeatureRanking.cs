namespace Xainomaly.Explanation.Metrics;

/// <summary>Ranks features by |φ|, largest first; ties go to the lower index so rankings are deterministic.</summary>
internal static class FeatureRanking
{
    /// <summary>Writes the feature indices of <paramref name="phi"/> ordered by decreasing |φ| into <paramref name="order"/>.</summary>
    public static void Rank(ReadOnlySpan<double> phi, Span<int> order)
    {
        int d = phi.Length;
        for (int j = 0; j < d; j++) order[j] = j;
        // Insertion sort: d is small (tens of features) and it is stable, which gives the index tie-break for free.
        for (int i = 1; i < d; i++)
        {
            int item = order[i];
            double key = Math.Abs(phi[item]);
            int k = i - 1;
            while (k >= 0 && Math.Abs(phi[order[k]]) < key)
            {
                order[k + 1] = order[k];
                k--;
            }
            order[k + 1] = item;
        }
    }
}
