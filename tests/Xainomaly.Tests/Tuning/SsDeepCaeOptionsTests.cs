using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Tuning;

/// <summary>The generalised SS-DeepCAE (depth, width, MAE/sMAPE, SGD/RMSprop) against a float64 restatement.</summary>
public sealed class SsDeepCaeOptionsTests
{
    private const int D = 7;

    // Loss of SPEC §2 with any depth and reconstruction loss, in float64, from the network's current weights.
    private sealed class Reference(SsDeepCaeNetwork net)
    {
        private readonly int _hidden = net.HiddenWidths.Count;

        public double[][] W { get; } = [.. Enumerable.Range(0, net.Parameters.Count / 2).Select(p => Array.ConvertAll(net.Parameters[2 * p].Data, v => (double)v))];

        public double[][] B { get; } = [.. Enumerable.Range(0, net.Parameters.Count / 2).Select(p => Array.ConvertAll(net.Parameters[(2 * p) + 1].Data, v => (double)v))];

        private int Layers => W.Length - 1;

        private int Out(int l) => B[l].Length;

        private bool Relu(int l) => l != _hidden && l != Layers - 1;

        private double[][] Acts(double[] x)
        {
            var a = new double[Layers + 1][];
            a[0] = x;
            for (int l = 0; l < Layers; l++)
            {
                int fin = a[l].Length, fout = Out(l);
                a[l + 1] = new double[fout];
                for (int o = 0; o < fout; o++)
                {
                    double s = B[l][o];
                    for (int i = 0; i < fin; i++) s += a[l][i] * W[l][(i * fout) + o];
                    a[l + 1][o] = Relu(l) ? Math.Max(0, s) : s;
                }
            }
            return a;
        }

        private double JacobianSquared(double[][] a)
        {
            double s = 0;
            for (int j = 0; j < D; j++)
            {
                double[] t = new double[D];
                t[j] = 1;
                for (int l = 0; l <= _hidden; l++)
                {
                    int fin = t.Length, fout = Out(l);
                    var u = new double[fout];
                    for (int o = 0; o < fout; o++)
                    {
                        if (Relu(l) && a[l + 1][o] <= 0) continue;
                        double v = 0;
                        for (int i = 0; i < fin; i++) v += t[i] * W[l][(i * fout) + o];
                        u[o] = v;
                    }
                    t = u;
                }
                foreach (var v in t) s += v * v;
            }
            return s;
        }

        public double Loss(float[] x, int n, float[] y, float[] w, double lambdaC, ReconstructionLoss loss)
        {
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                var xi = new double[D];
                for (int j = 0; j < D; j++) xi[j] = x[(i * D) + j];
                var a = Acts(xi);
                double rec = 0;
                for (int j = 0; j < D; j++)
                {
                    double p = a[Layers][j], t = xi[j], diff = p - t;
                    rec += loss switch
                    {
                        ReconstructionLoss.Mse => diff * diff,
                        ReconstructionLoss.Mae => Math.Abs(diff),
                        _ => 2 * Math.Abs(diff) / (Math.Abs(p) + Math.Abs(t) + Tape.SmapeEpsilon),
                    };
                }
                double[] z = a[_hidden + 1];
                double logit = B[Layers][0];
                for (int k = 0; k < z.Length; k++) logit += z[k] * W[Layers][k];
                double softplus = Math.Max(logit, 0) + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
                total += rec + (lambdaC * JacobianSquared(a)) + (w[i] * (softplus - (y[i] * logit)));
            }
            return total / n;
        }
    }

    [Theory]
    [InlineData(1, ReconstructionLoss.Mae)]
    [InlineData(4, ReconstructionLoss.Mae)]
    [InlineData(1, ReconstructionLoss.Smape)]
    [InlineData(4, ReconstructionLoss.Smape)]
    [InlineData(3, ReconstructionLoss.Mse)]
    public void GradientsMatchFloat64FiniteDifferences(int layers, ReconstructionLoss loss)
    {
        var widths = SsDeepCae.HiddenWidthsFor(new TrainerSettings { HiddenLayers = layers, HiddenWidth = 12 }, D)!;
        const float lambdaC = 0.5f;
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 3, ContractiveWeight = lambdaC, HiddenWidths = widths, Loss = loss });
        Assert.Equal(layers, net.HiddenWidths.Count);
        const int n = 6;
        var rng = new Rng(17);
        var x = new float[n * D];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        var y = new float[n];
        var w = new float[n];
        for (int i = 0; i < n; i++) { y[i] = i % 2; w[i] = i % 3 == 0 ? 0f : 1f; }
        var reported = net.ComputeGradients(x, n, y, w);
        var reference = new Reference(net);
        Assert.Equal(reference.Loss(x, n, y, w, lambdaC, loss), reported.Total, 1e-4 * Math.Max(1, Math.Abs(reported.Total)));
        var pick = new Rng(5);
        const double h = 1e-6;
        for (int p = 0; p < net.Parameters.Count; p++)
        {
            double[] target = p % 2 == 0 ? reference.W[p / 2] : reference.B[p / 2];
            float[] grad = net.Parameters[p].Grad!;
            double scale = 0;
            foreach (float g in grad) scale = Math.Max(scale, Math.Abs(g));
            for (int s = 0; s < 4; s++)
            {
                int idx = pick.NextInt(target.Length);
                double keep = target[idx];
                target[idx] = keep + h;
                double up = reference.Loss(x, n, y, w, lambdaC, loss);
                target[idx] = keep - h;
                double down = reference.Loss(x, n, y, w, lambdaC, loss);
                target[idx] = keep;
                double fd = (up - down) / (2 * h);
                Assert.True(Math.Abs(fd - grad[idx]) <= (3e-3 * Math.Abs(fd)) + (2e-4 * scale) + 1e-6,
                    $"{layers} layers, {loss}: parameter {p} index {idx}: finite difference {fd}, analytic {grad[idx]}");
            }
        }
    }

    [Fact]
    public void WidthsFollowThePaperAndNarrowGeometrically()
    {
        Assert.Null(SsDeepCae.HiddenWidthsFor(new TrainerSettings(), 20));
        Assert.Equal([64, 32], SsDeepCae.HiddenWidthsFor(new TrainerSettings { HiddenLayers = 2 }, 20)!);
        Assert.Equal([60, 31], SsDeepCae.HiddenWidthsFor(new TrainerSettings { WidthFactor = 3 }, 20)!);
        Assert.Equal([64, 40, 25], SsDeepCae.HiddenWidthsFor(new TrainerSettings { HiddenLayers = 3 }, 20)!);
        Assert.Equal([10], SsDeepCae.HiddenWidthsFor(new TrainerSettings { HiddenLayers = 1, WidthFactor = 0.5 }, 20)!);
        var net = new SsDeepCaeNetwork(20, new SsDeepCaeOptions { HiddenWidths = [64, 32] });
        Assert.True(net.IsPaperDefault);
        Assert.Equal(8180, net.AutoencoderParameterCount);
        Assert.Equal("20-64-32-16-16-32-64-20", net.Architecture);
        Assert.Throws<ArgumentException>(() => SsDeepCae.HiddenWidthsFor(new TrainerSettings { HiddenLayers = 0 }, 20));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, ReconstructionLoss.Mse)]
    [InlineData(OptimizerKind.RmsProp, ReconstructionLoss.Smape)]
    [InlineData(OptimizerKind.Adam, ReconstructionLoss.Mae)]
    public void GeneralNetworksTrainDeterministicallyAndRoundTripThroughTheirFiles(OptimizerKind optimizer, ReconstructionLoss loss)
    {
        var options = new SsDeepCaeOptions { Seed = 4, HiddenWidths = [30, 20, 18, 17], Loss = loss, Optimizer = optimizer, LearningRate = 1e-2f };
        var a = SsDeepCaeDefaultArchitectureTests.TrainedWeightsSha256(options, steps: 20);
        var b = SsDeepCaeDefaultArchitectureTests.TrainedWeightsSha256(options, steps: 20);
        Assert.Equal(a, b);
        var net = new SsDeepCaeNetwork(D, options);
        using var ms = new MemoryStream();
        using (var bw = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) net.Save(bw);
        ms.Position = 0;
        var back = SsDeepCaeNetwork.Load(new BinaryReader(ms));
        Assert.Equal(net.Architecture, back.Architecture);
        Assert.Equal(loss, back.Options.Loss);
        Assert.Equal(optimizer, back.Options.Optimizer);
        var x = new float[3 * D];
        for (int i = 0; i < x.Length; i++) x[i] = i * 0.05f;
        var r1 = new float[3];
        var r2 = new float[3];
        net.Score(x, 3, r1, default, default);
        back.Score(x, 3, r2, default, default);
        Assert.Equal(r1, r2);
        net.ScoreRow(x.AsSpan(0, D), out float row, out _, out _);
        Assert.Equal(r1[0], row);
    }

    [Fact]
    public void LossAndOptimiserActuallyChangeTraining()
    {
        var baseOptions = new SsDeepCaeOptions { Seed = 4, ContractiveWeight = 0.01f };
        var reference = SsDeepCaeDefaultArchitectureTests.TrainedWeightsSha256(baseOptions, steps: 10);
        Assert.NotEqual(reference, SsDeepCaeDefaultArchitectureTests.TrainedWeightsSha256(baseOptions with { Loss = ReconstructionLoss.Mae }, steps: 10));
        Assert.NotEqual(reference, SsDeepCaeDefaultArchitectureTests.TrainedWeightsSha256(baseOptions with { Optimizer = OptimizerKind.RmsProp }, steps: 10));
    }
}
