using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// KernelSHAP (Lundberg &amp; Lee 2017) with the reference implementation's (shap's <c>KernelExplainer</c>)
/// semantics: coalition sizes whose paired share of the Shapley kernel the budget covers completely are enumerated
/// (s and d − s together, from the smallest size up); the remaining budget is drawn as paired samples (a coalition
/// and its complement) from the kernel over the remaining sizes, repeats adding weight; then a weighted least-squares
/// fit with the efficiency constraint Σφ = f(x) − E f, one variable eliminated. With a budget covering all
/// 2^d − 2 coalitions the result is exact. Not implemented from the reference: its optional L1 feature selection and
/// the dropping of features whose value equals every background value.
/// </summary>
public sealed class KernelShapExplainer : IShapleyExplainer
{
    private readonly ValueFunction _v;
    private readonly KernelShapOptions _options;

    /// <summary>Creates the explainer.</summary>
    /// <exception cref="ArgumentException">The model has more than 62 features.</exception>
    public KernelShapExplainer(ValueFunction valueFunction, KernelShapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(valueFunction);
        _options = options ?? new KernelShapOptions();
        if (_options.Budget is { } b) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(b, nameof(options));
        if (valueFunction.Width > 62)
            throw new ArgumentException($"KernelSHAP here supports up to 62 features; the model has {valueFunction.Width}.", nameof(valueFunction));
        _v = valueFunction;
        int d = _v.Width;
        long budget = _options.Budget ?? 2L * d + 2048;
        Budget = (int)Math.Min(budget, (1L << d) - 2);
    }

    /// <inheritdoc />
    public string Method => "kernel";

    /// <summary>Coalitions evaluated per row (the option or default, capped at 2^d − 2).</summary>
    public int Budget { get; }

    /// <inheritdoc />
    public ExplanationSet Explain(ReadOnlySpan<double> rows, int count)
    {
        var rng = new Rng(_options.Seed);
        int d = _v.Width;
        var masks = new byte[Math.Max(1, Budget) * d];
        var weights = new double[Math.Max(1, Budget)];
        var values = new double[Math.Max(1, Budget)];
        var used = new Dictionary<ulong, int>();
        var scratch = new int[d];
        double baseValue = _v.BaseValue;
        return ExplainerRun.Run(Method, _v, rows, count, (x, phi) =>
        {
            double fx = _v.Output(x);
            if (d == 1)
            {
                phi[0] = fx - baseValue;
                return fx;
            }
            int n = BuildCoalitions(d, Budget, rng, masks, weights, used, scratch);
            _v.Evaluate(x, masks, n, values);
            Solve(d, n, masks, weights, values, fx - baseValue, baseValue, phi);
            return fx;
        });
    }

    /// <summary>Explains float rows (e.g. preprocessed detector inputs).</summary>
    public ExplanationSet Explain(ReadOnlySpan<float> rows, int count) => Explain(ExplainerRun.ToDouble(rows), count);

    /// <summary>Fills masks and kernel weights the way the reference does; returns the number of coalitions.</summary>
    private static int BuildCoalitions(int d, int budget, Rng rng, byte[] masks, double[] kernelWeights, Dictionary<ulong, int> used, int[] scratch)
    {
        int sizes = (d - 1 + 1) / 2;          // ceil((d−1)/2)
        int pairedSizes = (d - 1) / 2;        // floor((d−1)/2)
        var weightVector = new double[sizes];
        double total = 0;
        for (int s = 1; s <= sizes; s++)
        {
            weightVector[s - 1] = (d - 1.0) / (s * (double)(d - s));
            if (s <= pairedSizes) weightVector[s - 1] *= 2;
            total += weightVector[s - 1];
        }
        for (int i = 0; i < sizes; i++) weightVector[i] /= total;

        int added = 0;
        int fullSizes = 0;
        double samplesLeft = budget;
        var remaining = (double[])weightVector.Clone();
        var combo = new int[d];
        for (int s = 1; s <= sizes; s++)
        {
            double subsets = Binomial(d, s);
            if (s <= pairedSizes) subsets *= 2;
            if (!(samplesLeft * remaining[s - 1] / subsets >= 1.0 - 1e-8)) break;
            fullSizes++;
            samplesLeft -= subsets;
            if (remaining[s - 1] < 1.0)
            {
                double scale = 1 - remaining[s - 1];
                for (int i = 0; i < sizes; i++) remaining[i] /= scale;
            }
            double w = weightVector[s - 1] / Binomial(d, s);
            if (s <= pairedSizes) w /= 2;
            for (int i = 0; i < s; i++) combo[i] = i;
            while (true)
            {
                var m = masks.AsSpan(added * d, d);
                m.Clear();
                for (int i = 0; i < s; i++) m[combo[i]] = 1;
                kernelWeights[added++] = w;
                if (s <= pairedSizes)
                {
                    var c = masks.AsSpan(added * d, d);
                    for (int j = 0; j < d; j++) c[j] = (byte)(1 - m[j]);
                    kernelWeights[added++] = w;
                }
                int k = s - 1;
                while (k >= 0 && combo[k] == d - s + k) k--;
                if (k < 0) break;
                combo[k]++;
                for (int i = k + 1; i < s; i++) combo[i] = combo[i - 1] + 1;
            }
        }

        int fixedCount = added;
        int left = budget - added;
        if (fullSizes != sizes && left > 0)
        {
            // Draw sizes from the kernel over the sizes not enumerated; each draw yields a coalition and its complement.
            var rest = new double[sizes - fullSizes];
            double restTotal = 0;
            for (int i = 0; i < rest.Length; i++)
            {
                int s = fullSizes + 1 + i;
                rest[i] = s <= pairedSizes ? weightVector[s - 1] / 2 : weightVector[s - 1];
                restTotal += rest[i];
            }
            used.Clear();
            int draws = 4 * left;
            for (int draw = 0; draw < draws && left > 0; draw++)
            {
                double u = rng.NextDouble() * restTotal, acc = 0;
                int pick = rest.Length - 1;
                for (int i = 0; i < rest.Length; i++)
                {
                    acc += rest[i];
                    if (u < acc)
                    {
                        pick = i;
                        break;
                    }
                }
                int s = pick + fullSizes + 1;
                for (int j = 0; j < d; j++) scratch[j] = j;
                ulong key = 0;
                for (int i = 0; i < s; i++)
                {
                    int j = rng.NextInt(i, d);
                    (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
                    key |= 1UL << scratch[i];
                }
                bool isNew = !used.TryGetValue(key, out int at);
                if (isNew)
                {
                    at = added;
                    used[key] = added;
                    WriteMask(masks.AsSpan(added * d, d), key);
                    kernelWeights[added++] = 1;
                    left--;
                }
                else
                {
                    kernelWeights[at] += 1;
                }
                if (left > 0 && s <= pairedSizes)
                {
                    ulong complement = ~key & ((1UL << d) - 1);
                    if (isNew)
                    {
                        WriteMask(masks.AsSpan(added * d, d), complement);
                        kernelWeights[added++] = 1;
                        left--;
                    }
                    else
                    {
                        kernelWeights[at + 1] += 1;
                    }
                }
            }
            // The drawn coalitions share the kernel weight the enumeration left over.
            double weightLeft = 0, drawn = 0;
            for (int s = fullSizes + 1; s <= sizes; s++) weightLeft += weightVector[s - 1];
            for (int i = fixedCount; i < added; i++) drawn += kernelWeights[i];
            if (drawn > 0) for (int i = fixedCount; i < added; i++) kernelWeights[i] *= weightLeft / drawn;
        }
        return added;
    }

    private static void WriteMask(Span<byte> mask, ulong bits)
    {
        for (int j = 0; j < mask.Length; j++) mask[j] = (byte)((bits >> j) & 1);
    }

    /// <summary>
    /// Weighted least squares of v(S) − E f ≈ Σ_{i∈S} φ_i under Σφ = f(x) − E f, the last feature eliminated:
    /// φ_last = Δ − Σ_{i&lt;last} φ_i, so each row becomes (z_i − z_last) with target y − z_last·Δ.
    /// </summary>
    private static void Solve(int d, int n, byte[] masks, double[] w, double[] values, double delta, double baseValue, double[] phi)
    {
        int m = d - 1;
        var a = new double[m * m];
        var b = new double[m];
        var e = new double[m];
        for (int r = 0; r < n; r++)
        {
            var z = masks.AsSpan(r * d, d);
            double zl = z[d - 1];
            double y = values[r] - baseValue - zl * delta;
            for (int i = 0; i < m; i++) e[i] = z[i] - zl;
            double wr = w[r];
            for (int i = 0; i < m; i++)
            {
                double we = wr * e[i];
                if (we == 0) continue;
                b[i] += we * y;
                for (int j = 0; j < m; j++) a[i * m + j] += we * e[j];
            }
        }
        var sol = SolveLinear(a, b, m);
        double sum = 0;
        for (int i = 0; i < m; i++)
        {
            phi[i] = sol[i];
            sum += sol[i];
        }
        phi[d - 1] = delta - sum;
    }

    /// <summary>Gaussian elimination with partial pivoting; a tiny ridge rescues a singular system (too few coalitions).</summary>
    private static double[] SolveLinear(double[] a, double[] b, int m)
    {
        double trace = 0;
        for (int i = 0; i < m; i++) trace += a[i * m + i];
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var mat = (double[])a.Clone();
            var rhs = (double[])b.Clone();
            if (attempt == 1) for (int i = 0; i < m; i++) mat[i * m + i] += 1e-10 * Math.Max(trace / m, 1e-300);
            bool singular = false;
            for (int col = 0; col < m && !singular; col++)
            {
                int piv = col;
                for (int r = col + 1; r < m; r++) if (Math.Abs(mat[r * m + col]) > Math.Abs(mat[piv * m + col])) piv = r;
                if (Math.Abs(mat[piv * m + col]) <= 1e-14 * Math.Max(trace, 1e-300)) singular = true;
                if (singular) break;
                if (piv != col)
                {
                    for (int j = 0; j < m; j++) (mat[col * m + j], mat[piv * m + j]) = (mat[piv * m + j], mat[col * m + j]);
                    (rhs[col], rhs[piv]) = (rhs[piv], rhs[col]);
                }
                for (int r = col + 1; r < m; r++)
                {
                    double f = mat[r * m + col] / mat[col * m + col];
                    if (f == 0) continue;
                    for (int j = col; j < m; j++) mat[r * m + j] -= f * mat[col * m + j];
                    rhs[r] -= f * rhs[col];
                }
            }
            if (singular) continue;
            var xs = new double[m];
            for (int r = m - 1; r >= 0; r--)
            {
                double s = rhs[r];
                for (int j = r + 1; j < m; j++) s -= mat[r * m + j] * xs[j];
                xs[r] = s / mat[r * m + r];
            }
            return xs;
        }
        throw new InvalidOperationException("The KernelSHAP least-squares system is singular even with a ridge; raise the budget.");
    }

    private static double Binomial(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}
