using Xainomaly.Numerics;
using Xainomaly.Reporting;

namespace Xainomaly.Tests.Report;

public sealed class TsneTests
{
    private static float[] TwoClusters(int perCluster, int width, double separation, long seed, out int[] labels)
    {
        var rng = new Rng(seed);
        var x = new float[2 * perCluster * width];
        labels = new int[2 * perCluster];
        for (int i = 0; i < 2 * perCluster; i++)
        {
            labels[i] = i % 2;
            for (int k = 0; k < width; k++) x[i * width + k] = (float)(rng.NextGaussian() + (labels[i] == 1 && k < 3 ? separation : 0));
        }
        return x;
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(10.0)]
    [InlineData(25.0)]
    public void Conditional_rows_reach_the_requested_perplexity(double perplexity)
    {
        var rng = new Rng(4);
        var dist = new double[60];
        for (int j = 0; j < dist.Length; j++) dist[j] = 50 * rng.NextDouble();
        dist[7] = 0;
        var row = new double[dist.Length];
        Tsne.RowConditional(dist, 7, Math.Log(perplexity), row);
        // Perplexity by enumeration: exp of the Shannon entropy (nats) of the row.
        double h = 0, sum = 0;
        foreach (double q in row)
        {
            sum += q;
            if (q > 0) h -= q * Math.Log(q);
        }
        Assert.Equal(0, row[7]);
        Assert.Equal(1.0, sum, 1e-12);
        Assert.Equal(perplexity, Math.Exp(h), 1e-3 * perplexity);
    }

    [Fact]
    public void Joint_affinities_are_a_symmetric_distribution_with_zero_diagonal()
    {
        var x = TwoClusters(40, 5, 3, 2, out _);
        int n = 80;
        double[] p = Tsne.JointAffinities(x, n, 5, 10);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, p[i * n + i]);
            for (int j = 0; j < n; j++)
            {
                total += p[i * n + j];
                Assert.Equal(p[i * n + j], p[j * n + i]);
            }
        }
        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void Two_well_separated_gaussian_clusters_stay_separated_in_the_embedding()
    {
        int per = 60;
        var x = TwoClusters(per, 8, 12, 3, out var labels);
        double[] y = Tsne.Embed(x, 2 * per, 8, new TsneOptions { Iterations = 400, Perplexity = 15, Seed = 5 });
        Assert.Equal(4 * per, y.Length);
        Assert.All(y, v => Assert.True(double.IsFinite(v)));
        // Every point's nearest neighbour in the embedding has its own label.
        int n = 2 * per, agree = 0;
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double bestD = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double d = Math.Pow(y[2 * i] - y[2 * j], 2) + Math.Pow(y[2 * i + 1] - y[2 * j + 1], 2);
                if (d < bestD) { bestD = d; best = j; }
            }
            if (labels[best] == labels[i]) agree++;
        }
        Assert.Equal(n, agree);
        // The clusters' centroids are further apart than either cluster's spread.
        double[] c = new double[4];
        double[] spread = new double[2];
        for (int i = 0; i < n; i++) { c[2 * labels[i]] += y[2 * i] / per; c[2 * labels[i] + 1] += y[2 * i + 1] / per; }
        for (int i = 0; i < n; i++) spread[labels[i]] = Math.Max(spread[labels[i]], Math.Sqrt(Math.Pow(y[2 * i] - c[2 * labels[i]], 2) + Math.Pow(y[2 * i + 1] - c[2 * labels[i] + 1], 2)));
        double between = Math.Sqrt(Math.Pow(c[0] - c[2], 2) + Math.Pow(c[1] - c[3], 2));
        Assert.True(between > spread[0] + spread[1], $"centroid distance {between} vs spreads {spread[0]}, {spread[1]}");
    }

    [Fact]
    public void Same_seed_same_embedding_other_seed_other_layout()
    {
        var x = TwoClusters(20, 4, 6, 1, out _);
        var o = new TsneOptions { Iterations = 100, Perplexity = 8, Seed = 9 };
        Assert.Equal(Tsne.Embed(x, 40, 4, o), Tsne.Embed(x, 40, 4, o));
        Assert.NotEqual(Tsne.Embed(x, 40, 4, o), Tsne.Embed(x, 40, 4, o with { Seed = 10 }));
    }

    [Fact]
    public void Bad_input_is_refused_with_a_message()
    {
        Assert.Contains("at least 4 rows", Assert.Throws<ArgumentException>(() => Tsne.Embed(new float[6], 3, 2)).Message);
        Assert.Contains("count × width", Assert.Throws<ArgumentException>(() => Tsne.Embed(new float[7], 4, 2)).Message);
        var bad = new float[8];
        bad[3] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Tsne.Embed(bad, 4, 2)).Message);
    }
}
