using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Numerics;
using Xainomaly.Simulation;

using Xunit.Abstractions;

namespace Xainomaly.Tests.Detection;

/// <summary>A small simulated UE-traffic table (10 UEs, 30 s) shared by the training tests.</summary>
public sealed class SmallUeTable
{
    public KpiTable Table { get; } = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 30, Seed = 1 });
}

public sealed class NeuralBaselineTests(SmallUeTable data, ITestOutputHelper output) : IClassFixture<SmallUeTable>
{
    public static TheoryData<string> Kinds => [VanillaAutoencoder.KindName, DeepAutoencoder.KindName, SemiSupervisedVae.KindName, MlpClassifier.KindName];

    /// <summary>Small untrained networks of every kind for rows of <paramref name="d"/> features.</summary>
    private static IComponentScorer Small(string kind, int d, long seed) => kind switch
    {
        VanillaAutoencoder.KindName => new VanillaAutoencoder(d, new VanillaAutoencoderOptions { Hidden = 6, Seed = seed }),
        DeepAutoencoder.KindName => new DeepAutoencoder(d, new DeepAutoencoderOptions { EncoderWidths = [10, 7, 3], Seed = seed }),
        SemiSupervisedVae.KindName => new SemiSupervisedVae(d, new SemiSupervisedVaeOptions { HiddenWidths = [9, 6], Latent = 3, Seed = seed }),
        _ => new MlpClassifier(d, new MlpClassifierOptions { HiddenWidths = [12, 10, 8], Seed = seed }),
    };

    private static float[] RandomRows(int n, int d, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return x;
    }

    // f(x) = a·RE + b·‖z‖ + c·p of one row, in float64 from the float32 parts.
    private static double Objective(IComponentScorer net, float[] row, float a, float b, float c)
    {
        Span<float> re = stackalloc float[1], z = stackalloc float[1], p = stackalloc float[1];
        net.ScoreComponents(row, 1, re, z, p);
        return (a * (double)re[0]) + (b * (double)z[0]) + (c * (double)p[0]);
    }

    private static double FiniteDifference(IComponentScorer net, float[] row, int j, float h, float a, float b, float c)
    {
        float x0 = row[j];
        row[j] = x0 + h;
        double up = Objective(net, row, a, b, c);
        row[j] = x0 - h;
        double down = Objective(net, row, a, b, c);
        row[j] = x0;
        return (up - down) / (2 * h);
    }

    [Theory]
    [InlineData("vanilla-ae")]
    [InlineData("deepae")]
    [InlineData("sla-vae")]
    [InlineData("mlp")]
    public void InputGradientMatchesCentralFiniteDifferences(string kind)
    {
        const int n = 4, d = 5;
        IComponentScorer net = Small(kind, d, 11);
        float[] x = RandomRows(n, d, 3);
        var grad = new float[n * d];
        int kinks = 0;
        foreach (var (a, b, c) in new[] { (1f, 0f, 0f), (0f, 1f, 0f), (0f, 0f, 1f), (0.7f, 0.4f, 2f) })
        {
            Assert.True(net.TryInputGradient(x, n, a, b, c, grad));
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    // h = 1e-3 keeps float32 rounding (~1e-7 relative) far below the difference, and ReLU kinks rare.
                    const float h = 1e-3f;
                    double fd = FiniteDifference(net, x.AsSpan(i * d, d).ToArray(), j, h, a, b, c);
                    double g = grad[(i * d) + j];
                    double err = Math.Abs(fd - g) / Math.Max(1, Math.Abs(fd));
                    if (err >= 2e-3)
                    {
                        // A ReLU kink within ±h bends the difference quotient (one row here sits next to one); a
                        // smaller step that stays on one side of it must then agree (float32 noise ≈ 1e-3 there).
                        kinks++;
                        foreach (float fine in new[] { h / 4, h / 16 })
                        {
                            double fdFine = FiniteDifference(net, x.AsSpan(i * d, d).ToArray(), j, fine, a, b, c);
                            if (Math.Abs(fdFine - g) / Math.Max(1, Math.Abs(fdFine)) < 3e-3) err = 0;
                        }
                    }
                    worst = Math.Max(worst, err);
                    Assert.True(err < 2e-3, $"{kind} ({a}, {b}, {c}) row {i} feature {j}: analytic {g:G6}, finite difference {fd:G6}");
                }
            }
            output.WriteLine($"{kind} weights ({a}, {b}, {c}): worst relative error {worst:E2}");
        }
        Assert.True(kinks <= n * d, $"{kinks} of {4 * n * d} checks needed a finer step");
        // The gradient is not trivially zero.
        Assert.True(net.TryInputGradient(x, n, 0.7f, 0.4f, 2f, grad));
        Assert.Contains(grad, g => Math.Abs(g) > 1e-3f);
    }

    [Fact]
    public void DeepAutoencoderHasAbout30_5kParametersForTwentyFeatures()
    {
        var deep = new DeepAutoencoder(20);
        output.WriteLine($"DeepAE parameters for d = 20: {deep.AutoencoderParameterCount} (+ head {deep.ParameterCount - deep.AutoencoderParameterCount})");
        Assert.Equal(30_476, deep.AutoencoderParameterCount);
        Assert.InRange(deep.AutoencoderParameterCount, 30_500 * 0.95, 30_500 * 1.05);
        // ≈ 4× SS-DeepCAE's 8,180.
        Assert.InRange(deep.AutoencoderParameterCount / 8180.0, 3.5, 4.5);
        var vanilla = new VanillaAutoencoder(20);
        Assert.Equal((20 * 16) + 16 + (16 * 20) + 20, vanilla.AutoencoderParameterCount);
        Assert.Equal(vanilla.AutoencoderParameterCount + 17, vanilla.ParameterCount);
        var mlp = new MlpClassifier(20);
        Assert.Equal((20 * 256) + 256 + (2 * ((256 * 256) + 256)) + 257, mlp.Parameters.ScalarCount);
    }

    private ExperimentResult Train(string kind, long seed, int steps = 400) =>
        DetectionExperiment.Run(data.Table, DetectorTrainers.Create(kind, new TrainerSettings { Steps = steps }), new ExperimentOptions { LabelBudget = 100, Seed = seed });

    [Theory]
    [InlineData("vanilla-ae")]
    [InlineData("deepae")]
    [InlineData("sla-vae")]
    [InlineData("mlp")]
    public void LearnsTheSimulatedAnomalies(string kind)
    {
        // SLA-VAE learns more slowly (KL term, sampled z): 400 steps leave its head near chance on this set.
        var result = Train(kind, 1, steps: kind == SemiSupervisedVae.KindName ? 1500 : 400);
        var m = result.Test!;
        output.WriteLine($"{kind}: test ROC-AUC {m.RocAuc:F3}, UAR {m.UnweightedAverageRecall:F3}, score {result.Model.Detector.ScoreDescription}, {result.Seconds:F2} s");
        Assert.True(m.RocAuc > 0.75, $"ROC-AUC {m.RocAuc}");
        Assert.True(m.UnweightedAverageRecall > 0.7, $"UAR {m.UnweightedAverageRecall}");
        Assert.Equal(kind, result.Model.Info.Kind);
        // Curves for the plots: points with validation figures (the trainer held back labelled rows).
        Assert.NotEmpty(result.History);
        Assert.All(result.History, p => Assert.True(double.IsFinite(p.Loss)));
        Assert.Contains(result.History, p => p.ValidationLoss is not null && p.ValidationAccuracy is not null);
    }

    [Theory]
    [InlineData("vanilla-ae")]
    [InlineData("deepae")]
    [InlineData("sla-vae")]
    [InlineData("mlp")]
    public void SameSeedGivesIdenticalModelBytesThatSurviveTheModelFile(string kind)
    {
        var first = Train(kind, 5, steps: 120);
        byte[] a = first.Model.ToBytes();
        byte[] b = Train(kind, 5, steps: 120).Model.ToBytes();
        byte[] c = Train(kind, 6, steps: 120).Model.ToBytes();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        var loaded = DetectorModel.FromBytes(a, "round-trip.xai");
        Assert.Equal(kind, loaded.Detector.Kind);
        Assert.Equal(first.Model.Detector.Threshold, loaded.Detector.Threshold);
        var before = first.Model.Score(data.Table).Scores;
        var after = loaded.Score(data.Table).Scores;
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(before[i]), BitConverter.SingleToInt32Bits(after[i]));
        Assert.Equal(a, loaded.ToBytes());
    }

    [Theory]
    [InlineData("vanilla-ae")]
    [InlineData("sla-vae")]
    [InlineData("mlp")]
    public void BatchedScoringAndGradientsMatchRowByRowAcrossBlocks(string kind)
    {
        // 4,096-row blocks, in parallel above one block: a 9,000-row batch spans three.
        const int d = 6, n = 9000;
        IComponentScorer net = Small(kind, d, 21);
        float[] x = RandomRows(n, d, 8);
        var re = new float[n];
        var z = new float[n];
        var p = new float[n];
        var g = new float[n * d];
        net.ScoreComponents(x, n, re, z, p);
        Assert.True(net.TryInputGradient(x, n, 0.3f, 0.2f, 1f, g));
        var one = new float[1];
        var oz = new float[1];
        var op = new float[1];
        var og = new float[d];
        foreach (int i in new[] { 0, 4095, 4096, 8191, 8999 })
        {
            float[] row = x.AsSpan(i * d, d).ToArray();
            net.ScoreComponents(row, 1, one, oz, op);
            Assert.Equal(re[i], one[0], 1e-6f);
            Assert.Equal(z[i], oz[0], 1e-6f);
            Assert.Equal(p[i], op[0], 1e-6f);
            net.TryInputGradient(row, 1, 0.3f, 0.2f, 1f, og);
            for (int j = 0; j < d; j++) Assert.Equal(g[(i * d) + j], og[j], 1e-5f);
        }
    }

    [Fact]
    public void MlpHasOnlyAHeadAndTrainsOnLabelledRowsOnly()
    {
        const int d = 4;
        var net = new MlpClassifier(d, new MlpClassifierOptions { HiddenWidths = [8, 8, 8] });
        Assert.False(net.HasReconstruction);
        Assert.False(net.HasLatent);
        Assert.True(net.HasHead);
        float[] x = RandomRows(3, d, 1);
        float[] re = [9, 9, 9], z = [9, 9, 9], p = new float[3];
        net.ScoreComponents(x, 3, re, z, p);
        Assert.All(re, v => Assert.Equal(0f, v));
        Assert.All(z, v => Assert.Equal(0f, v));
        Assert.All(p, v => Assert.InRange(v, 0f, 1f));

        // Unlabelled rows carry no information for it: changing them leaves the weights unchanged.
        var (train, validation, fit) = SeparableProblem(d, 200, 60, 4);
        var other = fit with { Data = fit.Data with { X = (float[])fit.Data.X.Clone() } };
        foreach (int r in fit.Unlabelled)
        {
            if (Array.IndexOf(validation, r) < 0) other.Data.X.AsSpan(r * d, d).Fill(0.5f);
        }
        var capped = new TrainerSettings { Steps = 150 };
        var m1 = MlpClassifier.Fit(fit with { Settings = capped });
        var m2 = MlpClassifier.Fit(other with { Settings = capped, Context = new TrainingContext(fit.Context.Seed) });
        Assert.Equal(Bytes(m1), Bytes(m2));
        Assert.NotEmpty(train);
        Assert.NotEmpty(validation);
    }

    [Fact]
    public void MlpEarlyStoppingRestoresTheBestEpoch()
    {
        const int d = 4;
        // Few, noisy labels and a large net: validation loss turns upward, so patience ends the run.
        var (_, validation, request) = SeparableProblem(d, 40, 60, 9, labelNoise: 0.25);
        var settings = new TrainerSettings { LearningRate = 3e-3f, BatchSize = 8 };
        request = request with { Settings = settings };
        var net = MlpClassifier.Fit(request);
        output.WriteLine($"epochs {net.EpochsTrained}, best epoch {net.BestEpoch}, best validation loss {net.BestValidationLoss:F5}");
        Assert.True(net.EpochsTrained < net.Options.MaxEpochs, "training should have stopped early");
        Assert.Equal(net.BestEpoch + net.Options.Patience, net.EpochsTrained);
        // The kept weights are the best epoch's: their validation loss is the recorded minimum …
        var vd = request.Data.Select(validation);
        double kept = net.Loss(vd.X, vd.Labels);
        Assert.Equal(net.BestValidationLoss, kept, 1e-6);
        var history = request.Context.History;
        Assert.Equal(net.EpochsTrained, history.Count);
        double min = double.PositiveInfinity;
        foreach (var h in history) min = Math.Min(min, h.ValidationLoss!.Value);
        Assert.Equal(min, kept, 1e-6);
        Assert.Equal(min, history[net.BestEpoch - 1].ValidationLoss!.Value, 1e-9);
        // … and not the last epoch's.
        Assert.True(history[^1].ValidationLoss!.Value > kept + 1e-6);
    }

    [Fact]
    public void TrainingReportsProgressAndHonoursCancellation()
    {
        var (_, _, request) = SeparableProblem(5, 300, 40, 2);
        var reports = new List<TrainingProgress>();
        var progress = new SyncProgress(reports.Add);
        var ctx = new TrainingContext(3, progress);
        VanillaAutoencoder.Fit(request with { Settings = new TrainerSettings { Steps = 500 }, Context = ctx });
        Assert.InRange(reports.Count, 90, 110);
        Assert.Equal(500, reports[^1].Step);
        Assert.Equal(5, ctx.History.Count); // every 100 steps
        Assert.All(ctx.History, h => Assert.NotNull(h.ValidationLoss));

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SemiSupervisedVae.Fit(request with { Settings = new TrainerSettings { Steps = 500 }, Context = new TrainingContext(3, null, cts.Token) }));
    }

    [Fact]
    public void SlaVaeScoresAreDeterministic()
    {
        var net = (SemiSupervisedVae)Small(SemiSupervisedVae.KindName, 5, 4);
        float[] x = RandomRows(50, 5, 2);
        var a = new float[50];
        var b = new float[50];
        net.ScoreComponents(x, 50, a, default, default);
        net.ScoreComponents(x, 50, b, default, default);
        Assert.Equal(a, b);
    }

    private static byte[] Bytes(IComponentScorer net)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms)) net.Write(w);
        return ms.ToArray();
    }

    /// <summary>
    /// Rows in [0, 1]^d whose class is x₀ + x₁ &gt; 1 (labels flipped with probability <paramref name="labelNoise"/>):
    /// <paramref name="labelled"/> training labels, <paramref name="validation"/> held-back ones, 200 unlabelled rows.
    /// </summary>
    private static (int[] Train, int[] Validation, NetworkFitRequest Request) SeparableProblem(int d, int labelled, int validation, long seed, double labelNoise = 0)
    {
        const int unlabelled = 200;
        int n = labelled + validation + unlabelled;
        var rng = new Rng(seed);
        float[] x = RandomRows(n, d, seed + 100);
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int cls = x[i * d] + x[(i * d) + 1] > 1f ? 1 : 0;
            if (rng.NextDouble() < labelNoise) cls = 1 - cls;
            y[i] = i < labelled + validation ? cls : -1;
        }
        int[] train = [.. Enumerable.Range(0, labelled)];
        int[] val = [.. Enumerable.Range(labelled, validation)];
        int[] rest = [.. Enumerable.Range(labelled + validation, unlabelled)];
        var data = new TrainingData(x, d, y);
        return (train, val, new NetworkFitRequest(data, train, [.. rest, .. val], val, new TrainerSettings(), new TrainingContext(seed)));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
