using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// The interventional value function's background X_b: weighted rows whose weights sum to 1 — a seeded random
/// sample of training rows, or a seeded k-means summary (centres weighted by cluster size).
/// </summary>
public sealed class BackgroundSet
{
    private BackgroundSet(double[] rows, double[] weights, int width)
    {
        Rows = rows;
        Weights = weights;
        Width = width;
    }

    /// <summary>Background rows, row-major (Count × Width).</summary>
    public double[] Rows { get; }

    /// <summary>Weight per row; they sum to 1.</summary>
    public double[] Weights { get; }

    /// <summary>Number of features.</summary>
    public int Width { get; }

    /// <summary>Number of background rows.</summary>
    public int Count => Weights.Length;

    /// <summary>Row <paramref name="i"/>.</summary>
    public ReadOnlySpan<double> Row(int i) => Rows.AsSpan(i * Width, Width);

    /// <summary>The given rows, with equal weights unless <paramref name="weights"/> is given (then normalised to sum 1).</summary>
    public static BackgroundSet FromRows(ReadOnlySpan<double> rows, int width, ReadOnlySpan<double> weights = default)
    {
        int n = Validate(rows.Length, width);
        var w = new double[n];
        if (weights.IsEmpty)
        {
            Array.Fill(w, 1.0 / n);
        }
        else
        {
            if (weights.Length != n)
                throw new ArgumentException($"The background has {n} rows but {weights.Length} weights were given; expected one weight per row.", nameof(weights));
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (!(weights[i] >= 0) || double.IsInfinity(weights[i]))
                    throw new ArgumentException($"Background weight {i} is {weights[i]}; expected a finite value ≥ 0.", nameof(weights));
                sum += weights[i];
            }
            if (!(sum > 0)) throw new ArgumentException("Background weights sum to 0; expected a positive total.", nameof(weights));
            for (int i = 0; i < n; i++) w[i] = weights[i] / sum;
        }
        return new BackgroundSet(rows.ToArray(), w, width);
    }

    /// <summary>The given float rows (e.g. preprocessed detector inputs), equally weighted.</summary>
    public static BackgroundSet FromRows(ReadOnlySpan<float> rows, int width)
    {
        var d = new double[rows.Length];
        for (int i = 0; i < d.Length; i++) d[i] = rows[i];
        return FromRows(d, width);
    }

    /// <summary>A seeded random sample of <paramref name="size"/> rows without replacement (all rows when there are fewer).</summary>
    public static BackgroundSet Sample(ReadOnlySpan<float> rows, int width, int size, long seed)
    {
        int n = Validate(rows.Length, width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var order = new Rng(seed).Permutation(n);
        int m = Math.Min(size, n);
        var picked = new double[m * width];
        for (int r = 0; r < m; r++)
        {
            var src = rows.Slice(order[r] * width, width);
            for (int j = 0; j < width; j++) picked[r * width + j] = src[j];
        }
        return FromRows(picked, width);
    }

    /// <summary>
    /// A seeded k-means summary: Lloyd's algorithm from a k-means++ start; centres weighted by cluster size.
    /// Empty clusters are dropped, so <see cref="Count"/> may be below <paramref name="k"/>.
    /// </summary>
    public static BackgroundSet KMeans(ReadOnlySpan<float> rows, int width, int k, long seed, int maxIterations = 100)
    {
        int n = Validate(rows.Length, width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIterations);
        k = Math.Min(k, n);
        var rng = new Rng(seed);
        var centres = new double[k * width];
        var nearest = new double[n];

        // k-means++: each next centre is drawn with probability ∝ squared distance to the nearest chosen one.
        int first = rng.NextInt(n);
        for (int j = 0; j < width; j++) centres[j] = rows[first * width + j];
        for (int i = 0; i < n; i++) nearest[i] = Distance2(rows.Slice(i * width, width), centres.AsSpan(0, width));
        int chosen = 1;
        for (; chosen < k; chosen++)
        {
            double total = 0;
            for (int i = 0; i < n; i++) total += nearest[i];
            if (!(total > 0)) break; // fewer distinct rows than k
            double u = rng.NextDouble() * total, acc = 0;
            int pick = n - 1;
            for (int i = 0; i < n; i++)
            {
                acc += nearest[i];
                if (acc > u)
                {
                    pick = i;
                    break;
                }
            }
            var c = centres.AsSpan(chosen * width, width);
            for (int j = 0; j < width; j++) c[j] = rows[pick * width + j];
            for (int i = 0; i < n; i++) nearest[i] = Math.Min(nearest[i], Distance2(rows.Slice(i * width, width), c));
        }
        k = chosen;

        var assign = new int[n];
        var counts = new int[k];
        var sums = new double[k * width];
        for (int iter = 0; iter < maxIterations; iter++)
        {
            bool changed = iter == 0;
            for (int i = 0; i < n; i++)
            {
                var x = rows.Slice(i * width, width);
                int best = 0;
                double bestD = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                {
                    double dist = Distance2(x, centres.AsSpan(c * width, width));
                    if (dist < bestD)
                    {
                        bestD = dist;
                        best = c;
                    }
                }
                if (assign[i] != best)
                {
                    assign[i] = best;
                    changed = true;
                }
            }
            if (!changed) break;
            Array.Clear(counts);
            Array.Clear(sums);
            for (int i = 0; i < n; i++)
            {
                counts[assign[i]]++;
                for (int j = 0; j < width; j++) sums[assign[i] * width + j] += rows[i * width + j];
            }
            for (int c = 0; c < k; c++)
            {
                if (counts[c] == 0) continue; // keeps its old centre; dropped below if still empty
                for (int j = 0; j < width; j++) centres[c * width + j] = sums[c * width + j] / counts[c];
            }
        }
        Array.Clear(counts);
        for (int i = 0; i < n; i++) counts[assign[i]]++;

        int kept = 0;
        for (int c = 0; c < k; c++) if (counts[c] > 0) kept++;
        var outRows = new double[kept * width];
        var outWeights = new double[kept];
        int o = 0;
        for (int c = 0; c < k; c++)
        {
            if (counts[c] == 0) continue;
            centres.AsSpan(c * width, width).CopyTo(outRows.AsSpan(o * width, width));
            outWeights[o++] = (double)counts[c] / n;
        }
        return new BackgroundSet(outRows, outWeights, width);
    }

    private static int Validate(int length, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (length == 0) throw new ArgumentException("The background is empty; expected at least one row of training data.");
        if (length % width != 0)
            throw new ArgumentException($"The background holds {length} values, not a whole number of rows of {width} features.");
        return length / width;
    }

    private static double Distance2(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < b.Length; j++)
        {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
