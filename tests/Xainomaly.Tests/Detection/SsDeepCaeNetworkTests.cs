using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Detection;

public sealed class SsDeepCaeNetworkTests
{
    private const int D = 20;

    private static float[] Rows(int n, long seed, int d = D)
    {
        var rng = new Rng(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        return x;
    }

    private static (float[] Labels, float[] Weights) Labels(int n, long seed, float lambda)
    {
        var rng = new Rng(seed);
        var y = new float[n];
        var w = new float[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextInt(2);
            w[i] = i % 2 == 0 ? lambda : 0f; // half the rows labelled
        }
        return (y, w);
    }

    [Fact]
    public void ParameterCountIs8180ForTwentyInputs()
    {
        var net = new SsDeepCaeNetwork(D);
        Assert.Equal(8180, net.AutoencoderParameterCount);
        Assert.Equal(8180 + 17, net.Parameters.ScalarCount);
        Assert.Equal([64, 32, 16, 16, 32, 64, 20], net.Layers.Select(l => l.Outputs).ToArray());
    }

    [Fact]
    public void ContractivePenaltyMatchesFiniteDifferenceJacobian()
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 3, ContractiveWeight = 0.1f });
        const int n = 6;
        float[] x = Rows(n, 11);
        (float[] y, float[] w) = Labels(n, 12, 1f);
        SsDeepCaeLoss loss = net.ComputeGradients(x, n, y, w);
        var reference = new SsDeepCaeReference(net);
        double fd = 0, exact = 0;
        for (int i = 0; i < n; i++)
        {
            double[] xi = new double[D];
            for (int j = 0; j < D; j++) xi[j] = x[(i * D) + j];
            double byDifferences = reference.JacobianNormSquaredByDifferences(xi);
            double byProduct = reference.JacobianNormSquared(xi);
            Assert.Equal(byDifferences, byProduct, 1e-6 * Math.Max(1, byDifferences));
            fd += byDifferences;
            exact += byProduct;
        }
        Assert.True(fd > 0.1, "the test needs a non-trivial Jacobian");
        Assert.Equal(fd / n, loss.Contractive, 1e-4 * (fd / n));
    }

    [Fact]
    public void LossPartsMatchFloat64Reference()
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 5, ContractiveWeight = 0.3f });
        const int n = 9;
        float[] x = Rows(n, 21);
        (float[] y, float[] w) = Labels(n, 22, 2f);
        SsDeepCaeLoss loss = net.ComputeGradients(x, n, y, w);
        var r = new SsDeepCaeReference(net).Loss(x, n, y, w, 0.3);
        Assert.Equal(r.Rec, loss.Reconstruction, 1e-5 * r.Rec);
        Assert.Equal(r.Contractive, loss.Contractive, 1e-5 * r.Contractive);
        Assert.Equal(r.Bce, loss.Classification, 1e-5 * r.Bce);
        Assert.Equal(r.Total, loss.Total, 1e-5 * r.Total);
    }

    [Theory]
    [InlineData(1.0f, 1.0f)]
    [InlineData(0.0f, 2.0f)]
    [InlineData(5.0f, 0.0f)]
    public void LossGradientMatchesFloat64FiniteDifferences(float lambdaC, float lambda)
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 7, ContractiveWeight = lambdaC });
        const int n = 8;
        float[] x = Rows(n, 31);
        (float[] y, float[] w) = Labels(n, 32, lambda);
        net.ComputeGradients(x, n, y, w);
        var reference = new SsDeepCaeReference(net);
        var pick = new Rng(33);
        const double h = 1e-6;
        int checkedCount = 0;
        for (int p = 0; p < net.Parameters.Count; p++)
        {
            double[] target = p % 2 == 0 ? reference.W[p / 2] : reference.B[p / 2];
            float[] grad = net.Parameters[p].Grad!;
            double scale = 0;
            foreach (float g in grad) scale = Math.Max(scale, Math.Abs(g));
            for (int s = 0; s < 6; s++)
            {
                int idx = pick.NextInt(target.Length);
                double keep = target[idx];
                target[idx] = keep + h;
                double up = reference.Loss(x, n, y, w, lambdaC).Total;
                target[idx] = keep - h;
                double down = reference.Loss(x, n, y, w, lambdaC).Total;
                target[idx] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[idx]) <= (2e-3 * Math.Abs(fd)) + (1e-4 * scale) + 1e-7,
                    $"parameter {p} index {idx}: finite difference {fd}, analytic {grad[idx]}");
                checkedCount++;
            }
        }
        Assert.Equal(16 * 6, checkedCount);
    }

    [Theory]
    [InlineData(1f, 0f, 0f)]
    [InlineData(0f, 1f, 0f)]
    [InlineData(0f, 0f, 1f)]
    [InlineData(0.7f, 0.3f, 2f)]
    public void InputGradientMatchesFiniteDifferences(float wRe, float wLatent, float wHead)
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 9 });
        const int n = 5;
        float[] x = Rows(n, 41);
        var grad = new float[n * D];
        net.InputGradient(x, n, wRe, wLatent, wHead, grad);
        var reference = new SsDeepCaeReference(net);
        double F(double[] xi)
        {
            var o = reference.Outputs(xi);
            return (wRe * o.Re) + (wLatent * o.LatentNorm) + (wHead * o.Probability);
        }
        const double h = 1e-6;
        for (int i = 0; i < n; i++)
        {
            double[] xi = new double[D];
            for (int j = 0; j < D; j++) xi[j] = x[(i * D) + j];
            for (int j = 0; j < D; j++)
            {
                double keep = xi[j];
                xi[j] = keep + h;
                double up = F(xi);
                xi[j] = keep - h;
                double down = F(xi);
                xi[j] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[(i * D) + j]) <= (1e-3 * Math.Abs(fd)) + 1e-5, $"row {i} feature {j}: finite difference {fd}, analytic {grad[(i * D) + j]}");
            }
        }
    }

    [Fact]
    public void ScoresMatchReferenceInEveryPath()
    {
        const int n = 53;
        float[] x = Rows(n, 51);
        var single = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 13 });
        var blocked = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 13, BlockRows = 8 }); // 7 parallel blocks
        float[] re = new float[n], zn = new float[n], p = new float[n];
        float[] re2 = new float[n], zn2 = new float[n], p2 = new float[n];
        single.Score(x, n, re, zn, p);
        blocked.Score(x, n, re2, zn2, p2);
        var reference = new SsDeepCaeReference(single);
        for (int i = 0; i < n; i++)
        {
            double[] xi = new double[D];
            for (int j = 0; j < D; j++) xi[j] = x[(i * D) + j];
            var o = reference.Outputs(xi);
            Assert.Equal(o.Re, re[i], 1e-5 * Math.Max(1, o.Re));
            Assert.Equal(o.LatentNorm, zn[i], 1e-5 * Math.Max(1, o.LatentNorm));
            Assert.Equal(o.Probability, p[i], 1e-6);
            // blocks and threads do not change a row's arithmetic
            Assert.Equal(re[i], re2[i]);
            Assert.Equal(zn[i], zn2[i]);
            Assert.Equal(p[i], p2[i]);
            single.ScoreRow(x.AsSpan(i * D, D), out float r1, out float z1, out float p1);
            Assert.Equal(re[i], r1, 1e-5f * Math.Max(1, re[i]));
            Assert.Equal(zn[i], z1, 1e-5f * Math.Max(1, zn[i]));
            Assert.Equal(p[i], p1, 1e-6f);
        }
        // an empty span skips an output
        single.Score(x, n, default, zn2, default);
        Assert.Equal(zn, zn2);
    }

    [Fact]
    public void ParallelInputGradientEqualsSingleBlock()
    {
        const int n = 30;
        float[] x = Rows(n, 52);
        var a = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 14 });
        var b = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 14, BlockRows = 4 });
        var ga = new float[n * D];
        var gb = new float[n * D];
        a.InputGradient(x, n, 0.5f, 0.5f, 1f, ga);
        b.InputGradient(x, n, 0.5f, 0.5f, 1f, gb);
        Assert.Equal(ga, gb);
    }

    [Fact]
    public void Avx2AndPortablePathsAgreeOnATrainingStep()
    {
        const int n = 64;
        float[] x = Rows(n, 61);
        (float[] y, float[] w) = Labels(n, 62, 1f);
        var fast = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 15, ContractiveWeight = 0.5f });
        var portable = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 15, ContractiveWeight = 0.5f });
        SsDeepCaeLoss lf = fast.ComputeGradients(x, n, y, w);
        SsDeepCaeLoss lp;
        using (KernelPath.PortableScope()) lp = portable.ComputeGradients(x, n, y, w);
        Assert.Equal(lp.Total, lf.Total, 1e-5 * lp.Total);
        Assert.Equal(lp.Contractive, lf.Contractive, 1e-5 * lp.Contractive);
        for (int p = 0; p < fast.Parameters.Count; p++)
        {
            float[] gf = fast.Parameters[p].Grad!, gp = portable.Parameters[p].Grad!;
            float scale = 0;
            foreach (float g in gp) scale = Math.Max(scale, Math.Abs(g));
            for (int i = 0; i < gf.Length; i++) Assert.True(Math.Abs(gf[i] - gp[i]) <= 1e-4f * scale + 1e-7f, $"parameter {p} index {i}: {gf[i]} vs {gp[i]}");
        }
    }

    private static SsDeepCaeNetwork TrainFixed(long seed, int steps)
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = seed, ContractiveWeight = 0.01f });
        var data = new Rng(99);
        const int n = 64;
        var x = new float[n * D];
        var y = new float[n];
        var w = new float[n];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = data.NextSingle();
            for (int i = 0; i < n; i++)
            {
                y[i] = data.NextInt(2);
                w[i] = i < 8 ? 1f : 0f;
            }
            net.TrainStep(x, n, y, w);
        }
        return net;
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAfter100Steps()
    {
        SsDeepCaeNetwork a = TrainFixed(17, 100), b = TrainFixed(17, 100), c = TrainFixed(18, 100);
        Assert.Equal(100, a.Steps);
        bool anyDifferent = false;
        for (int p = 0; p < a.Parameters.Count; p++)
        {
            for (int i = 0; i < a.Parameters[p].Length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(a.Parameters[p].Data[i]), BitConverter.SingleToInt32Bits(b.Parameters[p].Data[i]));
                anyDifferent |= a.Parameters[p].Data[i] != c.Parameters[p].Data[i];
            }
        }
        Assert.True(anyDifferent);
    }

    [Fact]
    public void SaveLoadRoundTripIsBitIdentical()
    {
        SsDeepCaeNetwork net = TrainFixed(19, 5);
        using var ms = new MemoryStream();
        net.Save(new BinaryWriter(ms));
        ms.Position = 0;
        SsDeepCaeNetwork loaded = SsDeepCaeNetwork.Load(new BinaryReader(ms));
        Assert.Equal(D, loaded.InputWidth);
        for (int p = 0; p < net.Parameters.Count; p++)
        {
            for (int i = 0; i < net.Parameters[p].Length; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(net.Parameters[p].Data[i]), BitConverter.SingleToInt32Bits(loaded.Parameters[p].Data[i]));
        }
        float[] x = Rows(10, 3);
        float[] a = new float[10], b = new float[10];
        net.Score(x, 10, a, default, default);
        loaded.Score(x, 10, b, default, default);
        Assert.Equal(a, b);
        ms.Position = 0;
        ms.WriteByte(0);
        ms.Position = 0;
        Assert.Throws<InvalidDataException>(() => SsDeepCaeNetwork.Load(new BinaryReader(ms)));
    }

    [Fact]
    public void TrainStepAndScoreRowDoNotAllocateAfterWarmUp()
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 21 });
        const int n = 64;
        float[] x = Rows(n, 5);
        (float[] y, float[] w) = Labels(n, 6, 1f);
        for (int s = 0; s < 3; s++) net.TrainStep(x, n, y, w);
        net.ScoreRow(x.AsSpan(0, D), out _, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 20; s++) net.TrainStep(x, n, y, w);
        for (int i = 0; i < n; i++) net.ScoreRow(x.AsSpan(i * D, D), out _, out _, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithNames()
    {
        var net = new SsDeepCaeNetwork(D);
        var ex = Assert.Throws<ArgumentException>(() => net.TrainStep(new float[10], 1, new float[1], new float[1]));
        Assert.Contains("20 features", ex.Message);
        Assert.Throws<ArgumentException>(() => net.TrainStep(new float[40], 2, new float[1], new float[2]));
        Assert.Throws<ArgumentException>(() => net.Score(new float[40], 2, new float[1], default, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SsDeepCaeNetwork(0));
    }

    // Normal rows lie on a 3-dimensional manifold inside [0, 1]^20; anomalies are pushed off it by raising
    // a few of the first eight features (a fault pattern with a direction, as a linear head on z needs).
    private static (float[] X, int[] Y) Synthetic(int n, double anomalyRate, Rng rng, double[] a, double[] c)
    {
        var x = new float[n * D];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            double u0 = rng.NextDouble(), u1 = rng.NextDouble(), u2 = rng.NextDouble();
            for (int j = 0; j < D; j++)
            {
                double v = (a[j * 3] * u0) + (a[(j * 3) + 1] * u1) + (a[(j * 3) + 2] * u2) + c[j];
                x[(i * D) + j] = (float)(0.5 + (0.35 * Math.Tanh(v)) + (0.01 * rng.NextGaussian()));
            }
            if (rng.NextDouble() < anomalyRate)
            {
                y[i] = 1;
                for (int k = 0; k < 4; k++)
                {
                    int j = rng.NextInt(8);
                    float shifted = x[(i * D) + j] + 0.3f;
                    x[(i * D) + j] = Math.Clamp(shifted, 0f, 1f);
                }
            }
        }
        return (x, y);
    }

    private static double Auc(ReadOnlySpan<float> score, int[] y)
    {
        // Mann–Whitney: share of (anomaly, normal) pairs ranked correctly, ties counting half.
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] != 1) continue;
            for (int j = 0; j < y.Length; j++)
            {
                if (y[j] != 0) continue;
                pairs++;
                if (score[i] > score[j]) wins += 1;
                else if (score[i] == score[j]) wins += 0.5;
            }
        }
        return wins / pairs;
    }

    [Fact]
    public void TrainingReducesLossAndTheHeadSeparatesClasses()
    {
        var rng = new Rng(2024);
        var a = new double[D * 3];
        var c = new double[D];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextGaussian();
        for (int i = 0; i < D; i++) c[i] = rng.NextGaussian() * 0.5;
        (float[] train, int[] trainY) = Synthetic(2000, 0.1, rng, a, c);
        (float[] test, int[] testY) = Synthetic(1000, 0.1, rng, a, c);
        var labelled = new bool[2000];
        foreach (int i in rng.Permutation(2000).AsSpan(0, 100)) labelled[i] = true;

        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 1, ContractiveWeight = 1e-3f });
        const int batch = 64;
        var x = new float[batch * D];
        var y = new float[batch];
        var w = new float[batch];
        var losses = new List<double>();
        for (int step = 0; step < 1500; step++)
        {
            for (int b = 0; b < batch; b++)
            {
                int r = rng.NextInt(2000);
                train.AsSpan(r * D, D).CopyTo(x.AsSpan(b * D, D));
                y[b] = trainY[r];
                w[b] = labelled[r] ? 10f : 0f;
            }
            losses.Add(net.TrainStep(x, batch, y, w).Total);
        }
        double early = losses.Take(20).Average(), late = losses.Skip(losses.Count - 100).Average();
        Assert.True(late < 0.3 * early, $"loss {early} → {late}");

        var re = new float[1000];
        var p = new float[1000];
        net.Score(test, 1000, re, default, p);
        double headAuc = Auc(p, testY), reAuc = Auc(re, testY);
        Assert.True(headAuc > 0.9, $"head ROC-AUC {headAuc}, reconstruction {reAuc}");
        Assert.True(reAuc > 0.8, $"reconstruction ROC-AUC {reAuc}");
    }
}
