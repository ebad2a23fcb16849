using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// Shapley values by permutation sampling with antithetic pairs: each drawn permutation is walked forwards and in
/// reverse, and φ_i averages the marginal v(prefix ∪ {i}) − v(prefix). Every walk telescopes to f(x) − E f, so
/// efficiency holds exactly whatever the budget.
/// </summary>
public sealed class PermutationExplainer : IShapleyExplainer
{
    private readonly ValueFunction _v;
    private readonly PermutationExplainerOptions _options;

    /// <summary>Creates the explainer.</summary>
    public PermutationExplainer(ValueFunction valueFunction, PermutationExplainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(valueFunction);
        _options = options ?? new PermutationExplainerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.Permutations);
        _v = valueFunction;
    }

    /// <inheritdoc />
    public string Method => "permutation";

    /// <inheritdoc />
    public ExplanationSet Explain(ReadOnlySpan<double> rows, int count)
    {
        var rng = new Rng(_options.Seed);
        int d = _v.Width;
        int pairs = (_options.Permutations + 1) / 2;
        int perms = 2 * pairs;
        int interior = Math.Max(0, d - 1);
        var masks = new byte[perms * interior * d];
        var values = new double[perms * interior];
        var order = new int[perms * d];
        double baseValue = _v.BaseValue;
        return ExplainerRun.Run(Method, _v, rows, count, (x, phi) =>
        {
            double fx = _v.Output(x);
            for (int p = 0; p < pairs; p++)
            {
                var forward = order.AsSpan(2 * p * d, d);
                var backward = order.AsSpan((2 * p + 1) * d, d);
                for (int j = 0; j < d; j++) forward[j] = j;
                rng.Shuffle(forward);
                for (int j = 0; j < d; j++) backward[j] = forward[d - 1 - j];
            }
            // Coalition k of permutation p = its first k + 1 features (the empty and full ones are known).
            for (int p = 0; p < perms; p++)
            {
                var perm = order.AsSpan(p * d, d);
                for (int k = 0; k < interior; k++)
                {
                    var m = masks.AsSpan((p * interior + k) * d, d);
                    m.Clear();
                    for (int t = 0; t <= k; t++) m[perm[t]] = 1;
                }
            }
            _v.Evaluate(x, masks, perms * interior, values);
            for (int p = 0; p < perms; p++)
            {
                var perm = order.AsSpan(p * d, d);
                double prev = baseValue;
                for (int k = 0; k < d; k++)
                {
                    double next = k < interior ? values[p * interior + k] : fx;
                    phi[perm[k]] += next - prev;
                    prev = next;
                }
            }
            for (int j = 0; j < d; j++) phi[j] /= perms;
            return fx;
        });
    }

    /// <summary>Explains float rows (e.g. preprocessed detector inputs).</summary>
    public ExplanationSet Explain(ReadOnlySpan<float> rows, int count) => Explain(ExplainerRun.ToDouble(rows), count);
}
