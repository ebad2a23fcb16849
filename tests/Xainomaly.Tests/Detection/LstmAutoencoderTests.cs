using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Numerics;
using Xainomaly.Simulation;

using Xunit.Abstractions;

namespace Xainomaly.Tests.Detection;

public sealed class LstmAutoencoderTests(ITestOutputHelper output)
{
    private static LstmAutoencoder Tiny(int window = 3, float dropout = 0f, long seed = 7) =>
        new(3, new LstmAutoencoderOptions { WindowLength = window, EncoderUnits = 4, DecoderUnits = 5, Dropout = dropout, Seed = seed });

    private static float[] Rows(int n, int width, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * width];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return x;
    }

    private static void Perturb(LstmAutoencoder net, long seed)
    {
        // Random non-zero biases and larger weights so that every gate and path is exercised.
        var rng = new Rng(seed);
        for (int p = 0; p < net.Parameters.Count; p++)
        {
            var data = net.Parameters[p].Data;
            for (int i = 0; i < data.Length; i++) data[i] += (float)rng.Uniform(-0.3, 0.3);
        }
    }

    [Fact]
    public void ForwardMatchesFloat64Reference()
    {
        var net = Tiny();
        Perturb(net, 1);
        int n = 6, width = net.InputWidth;
        var x = Rows(n, width, 2);
        var re = new float[n];
        var z = new float[n];
        var p = new float[n];
        net.Score(x, n, re, z, p);
        var reference = new LstmAutoencoderReference(net);
        for (int i = 0; i < n; i++)
        {
            var r = reference.Row(Array.ConvertAll(x[(i * width)..((i + 1) * width)], v => (double)v));
            Assert.Equal(r.Re, re[i], r.Re * 1e-4 + 1e-6);
            Assert.Equal(r.ZNorm, z[i], 1e-5);
            Assert.Equal(r.Prob, p[i], 1e-6);
        }
    }

    [Theory]
    [InlineData(1, 0f)]
    [InlineData(3, 0f)]
    [InlineData(4, 0.3f)]
    public void WeightGradientsMatchCentralDifferences(int window, float dropout)
    {
        // Window 1 checks a single LSTM cell of each kind; longer windows check back-propagation through time;
        // dropout checks the masked paths (the reference draws the same masks from the same seed).
        var net = Tiny(window, dropout);
        Perturb(net, 3);
        int n = 5, width = net.InputWidth;
        var x = Rows(n, width, 4);
        float[] labels = [1, 0, 1, 0, 0];
        float[] weights = [0.8f, 0.8f, 0f, 0.8f, 0f];
        net.ComputeGradients(x, n, labels, weights, dropout > 0 ? new Rng(99) : null);
        var reference = new LstmAutoencoderReference(net);
        var xd = Array.ConvertAll(x, v => (double)v);
        const double h = 1e-6;
        double worst = 0;
        for (int t = 0; t < net.Parameters.Count; t++)
        {
            var grad = net.Parameters[t].Grad!;
            for (int j = 0; j < grad.Length; j++)
            {
                double keep = reference.P[t][j];
                reference.P[t][j] = keep + h;
                double up = reference.Loss(xd, n, labels, weights, dropout > 0 ? new Rng(99) : null);
                reference.P[t][j] = keep - h;
                double down = reference.Loss(xd, n, labels, weights, dropout > 0 ? new Rng(99) : null);
                reference.P[t][j] = keep;
                double fd = (up - down) / (2 * h);
                double err = Math.Abs(fd - grad[j]) / Math.Max(1e-2, Math.Abs(fd));
                worst = Math.Max(worst, err);
                Assert.True(err < 2e-3, $"tensor {t} entry {j}: analytic {grad[j]:G6}, finite difference {fd:G6}");
            }
        }
        output.WriteLine($"worst relative error {worst:E2} over {net.Parameters.ScalarCount} parameters");
    }

    [Fact]
    public void LossReportsTheReferenceValue()
    {
        var net = Tiny();
        Perturb(net, 5);
        int n = 4;
        var x = Rows(n, net.InputWidth, 6);
        float[] labels = [1, 0, 0, 1];
        float[] weights = [1, 1, 0, 0];
        var loss = net.ComputeGradients(x, n, labels, weights, null);
        double expected = new LstmAutoencoderReference(net).Loss(Array.ConvertAll(x, v => (double)v), n, labels, weights);
        Assert.Equal(expected, loss.Total, expected * 1e-5);
        Assert.Equal(loss.Total, loss.Reconstruction + loss.Classification, 1e-12);
    }

    [Theory]
    [InlineData(1f, 0f, 0f)]
    [InlineData(0f, 1f, 0f)]
    [InlineData(0f, 0f, 1f)]
    [InlineData(0.7f, 0.3f, 0.5f)]
    public void InputGradientMatchesCentralDifferences(float a, float b, float c)
    {
        var net = Tiny(window: 3);
        Perturb(net, 8);
        int n = 4, width = net.InputWidth;
        var x = Rows(n, width, 9);
        var grad = new float[n * width];
        Assert.True(net.TryInputGradient(x, n, a, b, c, grad));
        var reference = new LstmAutoencoderReference(net);
        const double h = 1e-6;
        for (int i = 0; i < n; i++)
        {
            var row = Array.ConvertAll(x[(i * width)..((i + 1) * width)], v => (double)v);
            for (int j = 0; j < width; j++)
            {
                double keep = row[j];
                row[j] = keep + h;
                var up = reference.Row(row);
                row[j] = keep - h;
                var down = reference.Row(row);
                row[j] = keep;
                double fd = ((a * (up.Re - down.Re)) + (b * (up.ZNorm - down.ZNorm)) + (c * (up.Prob - down.Prob))) / (2 * h);
                Assert.True(Math.Abs(fd - grad[(i * width) + j]) <= 2e-3 * Math.Max(Math.Abs(fd), 1e-2),
                    $"row {i} feature {j}: analytic {grad[(i * width) + j]:G6}, finite difference {fd:G6}");
            }
        }
    }

    [Fact]
    public void ParallelBlocksGiveTheSameScoresAsOneBlock()
    {
        var options = new LstmAutoencoderOptions { WindowLength = 2, EncoderUnits = 6, DecoderUnits = 8, Seed = 3, BlockRows = 16 };
        var blocked = new LstmAutoencoder(4, options);
        var single = new LstmAutoencoder(4, options with { BlockRows = 4096, MaxDegreeOfParallelism = 1 });
        int n = 100;
        var x = Rows(n, blocked.InputWidth, 5);
        var re1 = new float[n]; var z1 = new float[n]; var p1 = new float[n];
        var re2 = new float[n]; var z2 = new float[n]; var p2 = new float[n];
        blocked.Score(x, n, re1, z1, p1);
        single.Score(x, n, re2, z2, p2);
        Assert.Equal(re2, re1);
        Assert.Equal(z2, z1);
        Assert.Equal(p2, p1);
        var g1 = new float[x.Length];
        var g2 = new float[x.Length];
        blocked.InputGradient(x, n, 0.5f, 0.2f, 0.3f, g1);
        single.InputGradient(x, n, 0.5f, 0.2f, 0.3f, g2);
        Assert.Equal(g2, g1);
    }

    [Fact]
    public void SaveLoadIsBitIdentical()
    {
        var net = Tiny(window: 2, dropout: 0.2f);
        Perturb(net, 11);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) net.Save(w);
        ms.Position = 0;
        using var r = new BinaryReader(ms);
        var copy = LstmAutoencoder.Load(r);
        Assert.Equal(net.InputWidth, copy.InputWidth);
        Assert.Equal(0.2f, copy.Options.Dropout);
        for (int t = 0; t < net.Parameters.Count; t++) Assert.Equal(net.Parameters[t].Data, copy.Parameters[t].Data);
    }

    private static readonly Lazy<KpiTable> Simulated = new(() => UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 30, Seed = 1 }));

    private static IDetectorTrainer SmallTrainer(int steps = 300) => LstmAutoencoder.CreateTrainer(
        new TrainerSettings { Steps = steps },
        new LstmAutoencoderOptions { EncoderUnits = 16, DecoderUnits = 32 });

    [Fact]
    public void TrainsOnSimulatedTrafficAndBeatsChance()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var table = Simulated.Value;
        output.WriteLine($"simulated in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        var result = DetectionExperiment.Run(table, SmallTrainer(), new ExperimentOptions { LabelBudget = 100, Seed = 1 });
        var m = result.Test!;
        output.WriteLine($"{table.RowCount} rows, {clock.Elapsed.TotalSeconds:F1} s; test UAR {m.UnweightedAverageRecall:F3}, ROC-AUC {m.RocAuc:F3}; {result.Model.Detector.ScoreDescription}");
        Assert.IsType<SemiSupervisedDetector>(result.Model.Detector);
        Assert.Equal(4, result.Model.WindowLength);
        Assert.True(m.RocAuc > 0.75, $"ROC-AUC {m.RocAuc}");
        Assert.True(m.UnweightedAverageRecall > 0.65, $"UAR {m.UnweightedAverageRecall}");
        Assert.NotEmpty(result.History);
        Assert.True(result.History[^1].Loss < result.History[0].Loss, "the training loss should fall");
    }

    [Fact]
    public void ModelFileRoundTripAndSeedDeterminism()
    {
        var table = Simulated.Value;
        var options = new ExperimentOptions { LabelBudget = 100, Seed = 3 };
        var a = DetectionExperiment.Run(table, SmallTrainer(40), options);
        var b = DetectionExperiment.Run(table, SmallTrainer(40), options);
        var c = DetectionExperiment.Run(table, SmallTrainer(40), options with { Seed = 4 });
        byte[] bytes = a.Model.ToBytes();
        Assert.Equal(bytes, b.Model.ToBytes());
        Assert.NotEqual(bytes, c.Model.ToBytes());

        var loaded = DetectorModel.FromBytes(bytes, "lstm.xai");
        Assert.Equal(LstmAutoencoder.KindName, loaded.Detector.Kind);
        Assert.Equal(4, loaded.WindowLength);
        Assert.Equal(loaded.Detector.InputWidth, loaded.InputFeatureNames.Count);
        Assert.Equal(loaded.Preprocessor.FeatureNames[0] + "[t-3]", loaded.InputFeatureNames[0]);
        Assert.Equal(loaded.Preprocessor.FeatureNames[^1] + "[t]", loaded.InputFeatureNames[^1]);
        var before = a.Model.Score(table);
        var after = loaded.Score(table);
        Assert.Equal(before.Scores, after.Scores);
        Assert.Equal(before.Predictions, after.Predictions);
    }

    [Fact]
    public void ScoringATableWithoutUeIdsNamesTheColumn()
    {
        var table = Simulated.Value;
        var model = DetectionExperiment.Run(table, SmallTrainer(5), new ExperimentOptions { LabelBudget = 100, Seed = 1 }).Model;
        var noUe = new KpiTable([.. table.Columns.Where(col => col.Name != UeSchema.UeId)], "traffic.csv");
        var e = Assert.Throws<DataFormatException>(() => model.Score(noUe));
        Assert.Equal(UeSchema.UeId, e.Column);
        Assert.Contains("traffic.csv", e.Message);
        var noTime = new KpiTable([.. table.Columns.Where(col => col.Name != UeSchema.Timestamp)], "traffic.csv");
        Assert.Equal(UeSchema.Timestamp, Assert.Throws<DataFormatException>(() => model.Score(noTime)).Column);
        Assert.Throws<DataFormatException>(() => DetectionExperiment.Run(noUe, SmallTrainer(5), new ExperimentOptions { LabelBudget = 100 }));
    }

    [Fact]
    public void TrainingHonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DetectionExperiment.Run(Simulated.Value, SmallTrainer(50), new ExperimentOptions { LabelBudget = 100, Seed = 1 }, cancellation: cts.Token));
    }

    [Fact]
    public void TheKindIsRegistered()
    {
        Assert.Contains(LstmAutoencoder.KindName, DetectorTrainers.Kinds);
        Assert.Contains(LstmAutoencoder.KindName, DetectorCatalog.Kinds);
        var trainer = Assert.IsType<WindowedTrainer>(DetectorTrainers.Create(LstmAutoencoder.KindName));
        Assert.Equal(4, trainer.WindowLength);
        Assert.Equal(256, (int)trainer.Hyperparameters["encoderUnits"]!);
        Assert.Equal(512, (int)trainer.Hyperparameters["decoderUnits"]!);
    }
}
