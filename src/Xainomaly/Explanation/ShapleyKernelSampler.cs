using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// Draws coalitions from the Shapley-kernel distribution p(s) ∝ (d − 1) / (C(d, |s|) · |s| · (d − |s|)), 0 &lt; |s| &lt; d:
/// the size k with probability ∝ (d − 1) / (k (d − k)) (the C(d, k) subsets of that size cancel the binomial), then a
/// uniform subset of that size.
/// </summary>
internal sealed class ShapleyKernelSampler
{
    private readonly double[] _cdf;
    private readonly int[] _order;

    public ShapleyKernelSampler(int d)
    {
        if (d < 2) throw new ArgumentException($"Coalitions from the Shapley kernel need at least 2 features; the model has {d}.");
        Width = d;
        _cdf = new double[d - 1];
        double total = 0;
        for (int k = 1; k < d; k++)
        {
            total += (d - 1.0) / (k * (double)(d - k));
            _cdf[k - 1] = total;
        }
        for (int k = 0; k < _cdf.Length; k++) _cdf[k] /= total;
        _order = new int[d];
        for (int j = 0; j < d; j++) _order[j] = j;
    }

    public int Width { get; }

    /// <summary>
    /// Restores the initial permutation, so that a reused sampler draws the same coalitions from a given generator
    /// state as a fresh one (the partial Fisher–Yates carries its permutation over from draw to draw).
    /// </summary>
    public void Reset()
    {
        for (int j = 0; j < _order.Length; j++) _order[j] = j;
    }

    /// <summary>Writes one coalition (1 = feature present) into <paramref name="mask"/>.</summary>
    public void Sample(Rng rng, Span<byte> mask)
    {
        int d = Width;
        double u = rng.NextDouble();
        int k = 1;
        while (k < d - 1 && u >= _cdf[k - 1]) k++;
        mask[..d].Clear();
        // Partial Fisher–Yates: the first k entries of a permutation that need not be reset between draws.
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(d - i);
            (_order[i], _order[j]) = (_order[j], _order[i]);
            mask[_order[i]] = 1;
        }
    }

    /// <summary>Writes <paramref name="count"/> / 2 coalitions each followed by its complement (count even).</summary>
    public void SamplePaired(Rng rng, Span<byte> masks, int count)
    {
        int d = Width;
        for (int c = 0; c + 1 < count; c += 2)
        {
            var m = masks.Slice(c * d, d);
            Sample(rng, m);
            var complement = masks.Slice((c + 1) * d, d);
            for (int j = 0; j < d; j++) complement[j] = (byte)(1 - m[j]);
        }
    }
}
