using Xainomaly.Numerics;

namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// Sensitivity of explanations (SPEC §3; Yeh et al. 2019, as a Lipschitz ratio): how much φ moves per unit of input
/// change in a small ball around each row. Model-agnostic: the method is given as a function that explains rows.
/// </summary>
public static class ExplanationSensitivity
{
    /// <summary>
    /// Measures λ(x) for the rows of <paramref name="explained"/>: for each row, <see cref="SensitivityOptions.Samples"/>
    /// seeded perturbations x' are explained together by <paramref name="explain"/> (the same explainer and seed that
    /// produced <paramref name="explained"/>), and the largest ratio is kept.
    /// </summary>
    /// <param name="explain">Explains (rows, count) with the method under test.</param>
    /// <param name="explained">The method's explanations of the unperturbed rows.</param>
    /// <param name="options">Ball radius, norm, samples, seed and row cap.</param>
    public static SensitivityResult Measure(Func<double[], int, ExplanationSet> explain, ExplanationSet explained, SensitivityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(explain);
        ArgumentNullException.ThrowIfNull(explained);
        options ??= new SensitivityOptions();
        if (!(options.Epsilon > 0) || double.IsInfinity(options.Epsilon))
            throw new ArgumentException($"The sensitivity radius ε is {options.Epsilon}; expected a finite value > 0.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Samples, nameof(options));
        if (options.MaxRows is { } cap) ArgumentOutOfRangeException.ThrowIfNegative(cap, nameof(options));
        int d = explained.Width;
        int rows = Math.Min(explained.Count, options.MaxRows ?? int.MaxValue);
        int m = options.Samples;
        var rng = new Rng(options.Seed);
        var perturbed = new double[m * d];
        var delta = new double[m * d];
        var perRow = new double[rows];
        double sum = 0, max = 0;
        for (int r = 0; r < rows; r++)
        {
            var x = explained.Data.AsSpan(r * d, d);
            for (int s = 0; s < m; s++)
            {
                var dl = delta.AsSpan(s * d, d);
                Draw(rng, dl, options.Epsilon, options.Norm);
                for (int j = 0; j < d; j++) perturbed[s * d + j] = x[j] + dl[j];
            }
            var e = explain(perturbed, m);
            if (e.Count != m || e.Width != d)
                throw new InvalidOperationException($"The {explained.Method} explainer returned {e.Count} rows × {e.Width} features for {m} rows × {d}.");
            var phi = explained.ValuesOf(r);
            double best = 0;
            for (int s = 0; s < m; s++)
            {
                var q = e.ValuesOf(s);
                double num = 0, den = 0;
                for (int j = 0; j < d; j++)
                {
                    double t = phi[j] - q[j];
                    num += t * t;
                    den += delta[s * d + j] * delta[s * d + j];
                }
                if (den > 0) best = Math.Max(best, Math.Sqrt(num / den));
            }
            perRow[r] = best;
            sum += best;
            max = Math.Max(max, best);
        }
        return new SensitivityResult(explained.Method, perRow, rows > 0 ? sum / rows : double.NaN, rows > 0 ? max : double.NaN, options);
    }

    /// <summary>A uniform draw from the ε-ball of the norm (never the zero vector in practice).</summary>
    private static void Draw(Rng rng, Span<double> delta, double epsilon, SensitivityNorm norm)
    {
        int d = delta.Length;
        if (norm == SensitivityNorm.LInfinity)
        {
            for (int j = 0; j < d; j++) delta[j] = rng.Uniform(-epsilon, epsilon);
            return;
        }
        // Uniform in the L2 ball: a Gaussian direction, radius ε·U^(1/d).
        double len = 0;
        for (int j = 0; j < d; j++)
        {
            delta[j] = rng.NextGaussian();
            len += delta[j] * delta[j];
        }
        len = Math.Sqrt(len);
        double radius = epsilon * Math.Pow(rng.NextDouble(), 1.0 / d);
        for (int j = 0; j < d; j++) delta[j] = len > 0 ? delta[j] / len * radius : 0;
    }
}
