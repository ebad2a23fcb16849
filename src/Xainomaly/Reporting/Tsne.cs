using Xainomaly.Numerics;

namespace Xainomaly.Reporting;

/// <summary>
/// Exact t-SNE: a seeded 2-D embedding of a few thousand rows for the report's data view (paper Fig. 4). O(n²) time
/// and memory per iteration, which is fine up to about 2,000 rows; callers sample larger tables.
/// </summary>
public static class Tsne
{
    /// <summary>Embeds <paramref name="count"/> rows of <paramref name="width"/> values (row-major) in 2-D.</summary>
    /// <returns>x and y of each row, interleaved (length 2·count).</returns>
    /// <exception cref="ArgumentException">Fewer than 4 rows, a size mismatch, a non-finite value, or bad options.</exception>
    public static double[] Embed(ReadOnlySpan<float> rows, int count, int width, TsneOptions? options = null)
    {
        options ??= new TsneOptions();
        if (count < 4) throw new ArgumentException($"t-SNE needs at least 4 rows; got {count}.", nameof(count));
        if (width < 1) throw new ArgumentException($"width is {width}; expected at least 1.", nameof(width));
        if (rows.Length != (long)count * width) throw new ArgumentException($"rows has {rows.Length} values; expected count × width = {(long)count * width}.", nameof(rows));
        if (options.Perplexity <= 0 || !double.IsFinite(options.Perplexity)) throw new ArgumentException($"Perplexity is {options.Perplexity}; expected a positive number.", nameof(options));
        if (options.Iterations < 1) throw new ArgumentException($"Iterations is {options.Iterations}; expected at least 1.", nameof(options));
        foreach (float v in rows) if (!float.IsFinite(v)) throw new ArgumentException("rows holds a NaN or infinite value; t-SNE needs finite inputs.", nameof(rows));

        double perplexity = Math.Min(options.Perplexity, (count - 1) / 3.0);
        double[] p = JointAffinities(rows, count, width, perplexity);
        int n = count;
        double eta = options.LearningRate > 0 ? options.LearningRate : Math.Max(n / options.Exaggeration / 4, 50);

        var rng = new Rng(options.Seed);
        var y = new double[2 * n];
        for (int i = 0; i < y.Length; i++) y[i] = 1e-4 * rng.NextGaussian();
        var update = new double[2 * n];
        var gains = new double[2 * n];
        Array.Fill(gains, 1.0);
        var attract = new double[2 * n];
        var repulse = new double[2 * n];

        for (int iter = 0; iter < options.Iterations; iter++)
        {
            double exaggeration = iter < options.ExaggerationIterations ? options.Exaggeration : 1;
            double momentum = iter < options.ExaggerationIterations ? 0.5 : 0.8;
            Array.Clear(attract);
            Array.Clear(repulse);
            // One pass over the pairs: with w = 1/(1+‖yi−yj‖²) and Z = Σ w, the gradient is
            // 4 Σj (pij − wij/Z) wij (yi − yj) = 4 (Σj pij wij Δ − (1/Z) Σj wij² Δ); both sums and Z accumulate together.
            double z = 0;
            ReadOnlySpan<double> ys = y;
            Span<double> att = attract, rep = repulse;
            for (int i = 0; i < n; i++)
            {
                double yi0 = ys[2 * i], yi1 = ys[2 * i + 1];
                double a0 = 0, a1 = 0, r0 = 0, r1 = 0;
                var pRow = p.AsSpan(i * n + i + 1, n - i - 1);
                var yRest = ys[(2 * i + 2)..];
                var attRest = att[(2 * i + 2)..];
                var repRest = rep[(2 * i + 2)..];
                for (int j = 0; j < pRow.Length; j++)
                {
                    double d0 = yi0 - yRest[2 * j], d1 = yi1 - yRest[2 * j + 1];
                    double w = 1 / (1 + d0 * d0 + d1 * d1);
                    z += w;
                    double pw = pRow[j] * w, ww = w * w;
                    a0 += pw * d0; a1 += pw * d1;
                    r0 += ww * d0; r1 += ww * d1;
                    attRest[2 * j] -= pw * d0; attRest[2 * j + 1] -= pw * d1;
                    repRest[2 * j] -= ww * d0; repRest[2 * j + 1] -= ww * d1;
                }
                att[2 * i] += a0; att[2 * i + 1] += a1;
                rep[2 * i] += r0; rep[2 * i + 1] += r1;
            }
            z *= 2; // each unordered pair counted once above, Z sums over ordered pairs
            for (int k = 0; k < y.Length; k++)
            {
                double grad = 4 * (exaggeration * attract[k] - repulse[k] / z);
                // Delta-bar-delta gains, as in the reference implementation.
                gains[k] = Math.Sign(grad) != Math.Sign(update[k]) ? gains[k] + 0.2 : Math.Max(gains[k] * 0.8, 0.01);
                update[k] = momentum * update[k] - eta * gains[k] * grad;
                y[k] += update[k];
            }
            Center(y, n);
        }
        return y;
    }

    /// <summary>
    /// The symmetric joint affinities P (row-major n × n, zero diagonal, summing to 1): per row a Gaussian whose
    /// bandwidth is found by bisection so that the row's perplexity 2^H equals <paramref name="perplexity"/>.
    /// </summary>
    public static double[] JointAffinities(ReadOnlySpan<float> rows, int count, int width, double perplexity)
    {
        int n = count;
        var d2 = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            var xi = rows.Slice(i * width, width);
            for (int j = i + 1; j < n; j++)
            {
                var xj = rows.Slice(j * width, width);
                double s = 0;
                for (int k = 0; k < width; k++)
                {
                    double d = xi[k] - xj[k];
                    s += d * d;
                }
                d2[(long)i * n + j] = s;
                d2[(long)j * n + i] = s;
            }
        }
        var p = new double[(long)n * n];
        double logTarget = Math.Log(perplexity);
        for (int i = 0; i < n; i++) RowConditional(d2.AsSpan(i * n, n), i, logTarget, p.AsSpan(i * n, n));
        // Symmetrise: pij = (p(j|i) + p(i|j)) / 2n, floored so no pair is ignored entirely.
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double v = Math.Max((p[(long)i * n + j] + p[(long)j * n + i]) / (2.0 * n), 1e-12);
                p[(long)i * n + j] = v;
                p[(long)j * n + i] = v;
            }
        }
        return p;
    }

    /// <summary>Row <paramref name="self"/>'s conditional distribution p(j|i) with perplexity e^logTarget (tests check it).</summary>
    internal static void RowConditional(ReadOnlySpan<double> dist, int self, double logTarget, Span<double> row)
    {
        double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        // Shift by the nearest neighbour's distance so exp() does not underflow for far-away rows.
        double minD = double.PositiveInfinity;
        for (int j = 0; j < dist.Length; j++) if (j != self && dist[j] < minD) minD = dist[j];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            double sum = 0, weighted = 0;
            for (int j = 0; j < dist.Length; j++)
            {
                if (j == self) { row[j] = 0; continue; }
                double e = Math.Exp(-beta * (dist[j] - minD));
                row[j] = e;
                sum += e;
                weighted += e * (dist[j] - minD);
            }
            // Shannon entropy (nats) of the row: H = log Σ + β Σ d e / Σ.
            double h = Math.Log(sum) + beta * weighted / sum;
            for (int j = 0; j < dist.Length; j++) row[j] /= sum;
            double diff = h - logTarget;
            if (Math.Abs(diff) < 1e-5) return;
            if (diff > 0)
            {
                lo = beta;
                beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2;
            }
            else
            {
                hi = beta;
                beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2;
            }
        }
    }

    private static void Center(double[] y, int n)
    {
        double m0 = 0, m1 = 0;
        for (int i = 0; i < n; i++) { m0 += y[2 * i]; m1 += y[2 * i + 1]; }
        m0 /= n; m1 /= n;
        for (int i = 0; i < n; i++) { y[2 * i] -= m0; y[2 * i + 1] -= m1; }
    }
}
