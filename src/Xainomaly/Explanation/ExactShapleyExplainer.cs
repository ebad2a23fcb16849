using System.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// Exact Shapley values by enumerating all 2^d coalitions (batched through the <see cref="ValueFunction"/>):
/// φ_i = Σ_{S ∌ i} |S|!(d−|S|−1)!/d! · (v(S ∪ {i}) − v(S)). The ground truth for the sampling methods.
/// </summary>
public sealed class ExactShapleyExplainer : IShapleyExplainer
{
    private const int CoalitionBlock = 4096;
    private readonly ValueFunction _v;
    private readonly double[] _weights;
    private readonly double[] _values;
    private readonly byte[] _masks;

    /// <summary>Creates the explainer.</summary>
    /// <exception cref="ArgumentException">d or the memory needed exceeds the limits of <paramref name="options"/>.</exception>
    public ExactShapleyExplainer(ValueFunction valueFunction, ExactShapleyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(valueFunction);
        options ??= new ExactShapleyOptions();
        int d = valueFunction.Width;
        if (d > options.MaxFeatures || d > 30)
            throw new ArgumentException($"Exact Shapley values need 2^d coalitions; d = {d} features exceeds the limit of {Math.Min(options.MaxFeatures, 30)}. Use the permutation or KernelSHAP explainer, or group features.", nameof(valueFunction));
        long coalitions = 1L << d;
        long bytes = MemoryNeeded(d, valueFunction.Background.Count);
        if (bytes > options.MaxMemoryBytes)
            throw new ArgumentException($"Exact Shapley values for d = {d} ({coalitions:N0} coalitions) need about {bytes:N0} bytes, more than the limit of {options.MaxMemoryBytes:N0} bytes.", nameof(options));
        _v = valueFunction;
        _values = new double[coalitions];
        _masks = new byte[(int)Math.Min(coalitions, CoalitionBlock) * d];
        _weights = new double[d + 1]; // w(d) is never used: the full coalition lacks no feature
        // w(s) = s!(d−s−1)!/d! = 1 / (d · C(d−1, s)); built from binomials to stay exact for d ≤ 30.
        double binom = 1;
        for (int s = 0; s < d; s++)
        {
            _weights[s] = 1.0 / (d * binom);
            binom = binom * (d - 1 - s) / (s + 1);
        }
    }

    /// <inheritdoc />
    public string Method => "exact";

    /// <summary>Bytes of working memory for d features: 2^d coalition values plus one block of masks.</summary>
    public static long MemoryNeeded(int d, int backgroundCount) =>
        (1L << d) * sizeof(double) + Math.Min(1L << d, CoalitionBlock) * d;

    /// <inheritdoc />
    public ExplanationSet Explain(ReadOnlySpan<double> rows, int count) => ExplainerRun.Run(Method, _v, rows, count, ExplainRow);

    /// <summary>Explains float rows (e.g. preprocessed detector inputs).</summary>
    public ExplanationSet Explain(ReadOnlySpan<float> rows, int count) => Explain(ExplainerRun.ToDouble(rows), count);

    private double ExplainRow(double[] x, double[] phi)
    {
        int d = _v.Width;
        int total = 1 << d;
        for (int start = 0; start < total; start += CoalitionBlock)
        {
            int n = Math.Min(CoalitionBlock, total - start);
            for (int c = 0; c < n; c++)
            {
                int mask = start + c;
                var m = _masks.AsSpan(c * d, d);
                for (int j = 0; j < d; j++) m[j] = (byte)((mask >> j) & 1);
            }
            _v.Evaluate(x, _masks, n, _values.AsSpan(start, n));
        }
        // One pass over coalitions: every S contributes its weighted marginal to each feature it lacks.
        var v = _values;
        for (int mask = 0; mask < total; mask++)
        {
            double w = _weights[BitOperations.PopCount((uint)mask)];
            double vs = v[mask];
            for (int i = 0; i < d; i++)
            {
                int bit = 1 << i;
                if ((mask & bit) == 0) phi[i] += w * (v[mask | bit] - vs);
            }
        }
        // v(N) = Σ_b w_b f(x) = f(x): reported from the same enumeration so efficiency holds to rounding.
        return v[total - 1];
    }
}
