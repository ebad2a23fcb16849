using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Numerics;

using Xunit.Abstractions;

namespace Xainomaly.Tests.Detection;

public sealed class IsolationForestTests(ITestOutputHelper output)
{
    /// <summary>A Gaussian blob of <paramref name="normal"/> rows plus <paramref name="outliers"/> rows far away (listed last).</summary>
    private static float[] Blob(int normal, int outliers, int width, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[(normal + outliers) * width];
        for (int i = 0; i < normal * width; i++) x[i] = (float)rng.NextGaussian();
        for (int i = normal * width; i < x.Length; i++) x[i] = (float)(rng.NextDouble() < 0.5 ? rng.Uniform(6, 9) : rng.Uniform(-9, -6));
        return x;
    }

    [Fact]
    public void FarOutliersScoreHighest()
    {
        const int normal = 1000, outliers = 8, width = 5;
        float[] x = Blob(normal, outliers, width, 1);
        var forest = IsolationForest.Fit(x, normal + outliers, width, new IsolationForestOptions { Seed = 3 });
        var scores = new double[normal + outliers];
        forest.Score(x, normal + outliers, scores);

        double maxNormal = scores[..normal].Max();
        double minOutlier = scores[normal..].Min();
        output.WriteLine($"max normal score {maxNormal:F4}, min outlier score {minOutlier:F4}");
        Assert.True(minOutlier > maxNormal);
        Assert.All(scores, s => Assert.InRange(s, double.Epsilon, 1.0));
        Assert.All(scores[normal..], s => Assert.True(s > 0.5));
        // Contamination "auto": the paper's 0.5 threshold, scikit-learn's offset -0.5.
        Assert.Equal(0.5, forest.Threshold);
        Assert.Equal(-0.5, forest.Offset);
        Assert.Equal(256, forest.SubsampleSize);
        Assert.Equal(100, forest.TreeCount);
    }

    [Fact]
    public void AveragePathLengthMatchesHandComputedValues()
    {
        // c(n) = 2(ln(n-1) + γ) - 2(n-1)/n, computed by hand (Python math) for these n.
        Assert.Equal(0.0, IsolationForest.AveragePathLength(0));
        Assert.Equal(0.0, IsolationForest.AveragePathLength(1));
        Assert.Equal(1.0, IsolationForest.AveragePathLength(2));
        Assert.Equal(1.207392357589623, IsolationForest.AveragePathLength(3), 1e-14);
        Assert.Equal(1.8516559071392855, IsolationForest.AveragePathLength(4), 1e-14);
        Assert.Equal(10.244770920119917, IsolationForest.AveragePathLength(256), 1e-13);
    }

    [Fact]
    public void ConstantBlockGetsTheLeafCorrection()
    {
        // Rows {0,0,0,0,1}, ψ = 5: every tree splits the root between 0 and 1; the four equal rows form a leaf at
        // depth 1 that cannot be split, so h(0) = 1 + c(4) and h(1) = 1 in every tree.
        float[] x = [0, 0, 0, 0, 1];
        var forest = IsolationForest.Fit(x, 5, 1, new IsolationForestOptions { TreeCount = 20, Seed = 9 });
        double c4 = IsolationForest.AveragePathLength(4), c5 = IsolationForest.AveragePathLength(5);
        Assert.Equal(1 + c4, forest.MeanPathLength([0f]), 1e-12);
        Assert.Equal(1.0, forest.MeanPathLength([1f]), 1e-12);
        Assert.Equal(Math.Pow(2, -(1 + c4) / c5), forest.Score([0f]), 1e-12);
        Assert.Equal(Math.Pow(2, -1 / c5), forest.Score([1f]), 1e-12);
    }

    [Fact]
    public void ExpectedPathLengthOfThreePoints()
    {
        // Rows {0,1,2}, ψ = 3, height limit ⌈log₂ 3⌉ = 2. The root threshold t is uniform in [0, 2):
        // x = 0 is isolated at depth 1 when t < 1, else at depth 2 → E h(0) = 1.5 = E h(2); E h(1) = 2.
        float[] x = [0, 1, 2];
        var forest = IsolationForest.Fit(x, 3, 1, new IsolationForestOptions { TreeCount = 4000, Seed = 5 });
        Assert.Equal(1.5, forest.MeanPathLength([0f]), 0.04);
        Assert.Equal(1.5, forest.MeanPathLength([2f]), 0.04);
        Assert.Equal(2.0, forest.MeanPathLength([1f]), 1e-12);
        // Two rows: one split isolates both, h = 1 = c(2), so every score is exactly 2^-1.
        var two = IsolationForest.Fit([0f, 10f], 2, 1, new IsolationForestOptions { TreeCount = 10 });
        Assert.Equal(0.5, two.Score([3f]));
        Assert.Equal(0.5, two.Score([-100f]));
    }

    [Fact]
    public void SubsampleSizeFollowsScikitLearn()
    {
        float[] x = Blob(1000, 0, 2, 6);
        Assert.Equal(256, IsolationForest.Fit(x, 1000, 2).SubsampleSize);
        Assert.Equal(100, IsolationForest.Fit(x.AsSpan(0, 200), 100, 2).SubsampleSize);
        Assert.Equal(64, IsolationForest.Fit(x, 1000, 2, new IsolationForestOptions { MaxSamples = 64 }).SubsampleSize);
        // An integer above the row count means all rows; a fraction is truncated like int(f * n).
        Assert.Equal(1000, IsolationForest.Fit(x, 1000, 2, new IsolationForestOptions { MaxSamples = 5000 }).SubsampleSize);
        Assert.Equal(333, IsolationForest.Fit(x, 1000, 2, new IsolationForestOptions { MaxSamplesFraction = 0.3333 }).SubsampleSize);
        // At most 2ψ − 1 nodes per tree, and a tree of ψ = 64 rows is never deeper than log2 64 = 6.
        var small = IsolationForest.Fit(x, 1000, 2, new IsolationForestOptions { MaxSamples = 64, TreeCount = 30 });
        Assert.InRange(small.NodeCount, 30, 30 * 127);
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit(x, 1000, 2, new IsolationForestOptions { MaxSamples = 64, MaxSamplesFraction = 0.5 }));
    }

    [Fact]
    public void ContaminationFlagsThatShareOfTrainingRows()
    {
        const int n = 2000, width = 4;
        float[] x = Blob(n, 0, width, 11);
        foreach (double c in new[] { 0.05, 0.1, 0.25 })
        {
            var forest = IsolationForest.Fit(x, n, width, new IsolationForestOptions { Contamination = c, Seed = 2 });
            var p = new int[n];
            forest.Predict(x, n, p);
            int flagged = p.Sum();
            output.WriteLine($"contamination {c}: threshold {forest.Threshold:F5}, flagged {flagged} of {n}");
            Assert.InRange(flagged, (int)((c * n) - 3), (int)((c * n) + 3));
        }
    }

    [Fact]
    public void SameSeedSameScoresDifferentSeedDifferentScores()
    {
        const int n = 600, width = 3;
        float[] x = Blob(n, 6, width, 4);
        double[] Run(long seed, double maxFeatures = 1.0, bool bootstrap = false)
        {
            var f = IsolationForest.Fit(x, n + 6, width, new IsolationForestOptions { Seed = seed, MaxFeatures = maxFeatures, Bootstrap = bootstrap });
            var s = new double[n + 6];
            f.Score(x, n + 6, s);
            return s;
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        Assert.Equal(Run(7, 0.5, true), Run(7, 0.5, true));
        Assert.NotEqual(Run(7), Run(7, 0.5, true));
    }

    [Fact]
    public void ParallelBatchEqualsRowByRowAndFloatOutput()
    {
        const int train = 500, n = 20_000, width = 6;
        float[] x = Blob(n, 0, width, 21);
        var forest = IsolationForest.Fit(x.AsSpan(0, train * width), train, width, new IsolationForestOptions { Seed = 1 });
        var batch = new double[n];
        forest.Score(x, n, batch);
        var single = new float[n];
        forest.Score(x, n, single);
        for (int i = 0; i < n; i += 97)
        {
            Assert.Equal(batch[i], forest.Score(x.AsSpan(i * width, width)));
            Assert.Equal((float)batch[i], single[i]);
        }
    }

    [Fact]
    public void RoundTripGivesBitIdenticalScores()
    {
        const int n = 400, width = 3;
        float[] x = Blob(n, 4, width, 8);
        var forest = IsolationForest.Fit(x, n + 4, width,
            new IsolationForestOptions { Seed = 12, Contamination = 0.1, MaxFeatures = 0.67, Bootstrap = true, TreeCount = 50 });
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) forest.Write(w);
        ms.Position = 0;
        var back = IsolationForest.Read(new BinaryReader(ms));

        Assert.Equal(forest.Options, back.Options);
        Assert.Equal(forest.Threshold, back.Threshold);
        Assert.Equal(forest.NodeCount, back.NodeCount);
        var a = new double[n + 4];
        var b = new double[n + 4];
        forest.Score(x, n + 4, a);
        back.Score(x, n + 4, b);
        for (int i = 0; i < a.Length; i++) Assert.Equal(BitConverter.DoubleToInt64Bits(a[i]), BitConverter.DoubleToInt64Bits(b[i]));
    }

    [Fact]
    public void ReadRejectsOtherVersionsAndTruncatedStreams()
    {
        var forest = IsolationForest.Fit(Blob(100, 0, 2, 1), 100, 2, new IsolationForestOptions { TreeCount = 5 });
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) forest.Write(w);
        byte[] bytes = ms.ToArray();

        byte[] wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 99;
        var ex = Assert.Throws<InvalidDataException>(() => IsolationForest.Read(new BinaryReader(new MemoryStream(wrongVersion))));
        Assert.Contains("version 99", ex.Message);

        ex = Assert.Throws<InvalidDataException>(() => IsolationForest.Read(new BinaryReader(new MemoryStream(bytes[..(bytes.Length - 5)]))));
        Assert.Contains("truncated", ex.Message);

        // Point the first node's left child at itself: a cycle that a reader must refuse.
        byte[] cyclic = (byte[])bytes.Clone();
        int firstNode = bytes.Length - (forest.NodeCount * 20);
        BitConverter.TryWriteBytes(cyclic.AsSpan(firstNode + 4, 4), 0);
        Assert.Throws<InvalidDataException>(() => IsolationForest.Read(new BinaryReader(new MemoryStream(cyclic))));
    }

    [Fact]
    public void BadInputIsRejectedWithItsPosition()
    {
        float[] x = [0, 1, 2, 3, float.NaN, 5];
        var ex = Assert.Throws<ArgumentException>(() => IsolationForest.Fit(x, 3, 2));
        Assert.Contains("row 2, column 0", ex.Message);
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit(x, 2, 2));
        Assert.Throws<ArgumentException>(() => IsolationForest.Fit([1f, 2f], 1, 2));
        ex = Assert.Throws<ArgumentException>(() => IsolationForest.Fit([1f, 2f, 3f], 3, 1, new IsolationForestOptions { Contamination = 0.7 }));
        Assert.Contains("Contamination", ex.Message);

        var forest = IsolationForest.Fit([0f, 1f, 2f, 3f], 2, 2);
        ex = Assert.Throws<ArgumentException>(() => forest.Score([1f, float.NaN, 0f, 0f], 2, new double[2]));
        Assert.Contains("row 0, column 1", ex.Message);
        Assert.Throws<ArgumentException>(() => forest.Score([1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => forest.Score([1f, 2f], 1, new double[2]));
    }

    [Fact]
    public void DetectsAnomaliesInValidCsv()
    {
        var (auto, tuned) = EvaluateOnValidCsv(ValidCsv.RadioFeatures, "20 radio KPIs");
        Assert.True(auto.RocAuc > 0.8, $"ROC-AUC {auto.RocAuc}");
        Assert.True(tuned.UnweightedAverageRecall > 0.72, $"UAR {tuned.UnweightedAverageRecall}");

        // For comparison only: every numeric column but the DU identifier (adds target throughput and position).
        string[] allNumeric = ["prb_usage", "targetTput", "throughput", "x", "y", .. ValidCsv.RadioFeatures[2..]];
        EvaluateOnValidCsv(allNumeric, "all numeric columns but du-id");
    }

    private (BinaryMetrics Auto, BinaryMetrics Tuned) EvaluateOnValidCsv(string[] features, string name)
    {
        var data = ValidCsv.Load(features);
        var (train, test) = data.Split(0.8, seed: 42);
        ValidCsv.MinMaxScale(train, test);

        var sw = System.Diagnostics.Stopwatch.StartNew();
        var forest = IsolationForest.Fit(train.X, train.Rows, train.Width, new IsolationForestOptions { Seed = 42 });
        double fitMs = sw.Elapsed.TotalMilliseconds;
        var scores = new double[test.Rows];
        sw.Restart();
        forest.Score(test.X, test.Rows, scores);
        double scoreMs = sw.Elapsed.TotalMilliseconds;

        var auto = BinaryMetrics.Compute(test.Y, scores, forest.Threshold);
        // The training prevalence as contamination: the threshold a user who knows the anomaly share would pick.
        double prevalence = train.Y.Average();
        var withContamination = IsolationForest.Fit(train.X, train.Rows, train.Width,
            new IsolationForestOptions { Seed = 42, Contamination = prevalence });
        var tuned = BinaryMetrics.Compute(test.Y, scores, withContamination.Threshold);
        output.WriteLine($"valid.csv, {name} ({train.Width}), train {train.Rows} / test {test.Rows}; fit {fitMs:F1} ms, score {scoreMs:F1} ms");
        output.WriteLine($"  ROC-AUC {auto.RocAuc:F4}, AP {auto.AveragePrecision:F4}");
        output.WriteLine($"  threshold 0.5 (auto): UAR {auto.UnweightedAverageRecall:F4}, {auto.Confusion}");
        output.WriteLine($"  contamination {prevalence:F4}: threshold {withContamination.Threshold:F4}, UAR {tuned.UnweightedAverageRecall:F4}, {tuned.Confusion}");
        return (auto, tuned);
    }
}
