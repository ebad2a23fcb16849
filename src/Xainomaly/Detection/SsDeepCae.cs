using System.Globalization;
using System.Text.Json.Nodes;

using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// The XAInomaly paper's semi-supervised deep contractive autoencoder as a component scorer: trains
/// <see cref="SsDeepCaeNetwork"/> on mixed labelled/unlabelled mini-batches (SPEC §2) and exposes RE, ‖z‖ and the
/// head probability, from which <see cref="SemiSupervisedTrainer"/> builds the detector.
/// </summary>
public sealed class SsDeepCae : IComponentScorer
{
    /// <summary>The kind name on the command line and in model files.</summary>
    public const string KindName = "ss-deepcae";

    /// <summary>Paper defaults (Table III): Adam, lr 1e-3, batch 64, 10,000 steps.</summary>
    public const int DefaultSteps = 10_000;

    private SsDeepCae(SsDeepCaeNetwork network) => Network = network;

    /// <summary>The trained network.</summary>
    public SsDeepCaeNetwork Network { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int InputWidth => Network.InputWidth;

    /// <inheritdoc />
    public bool HasReconstruction => true;

    /// <inheritdoc />
    public bool HasLatent => true;

    /// <inheritdoc />
    public bool HasHead => true;

    /// <summary>The hyper-parameters the trainer records for <paramref name="settings"/>.</summary>
    public static JsonObject Hyperparameters(TrainerSettings settings)
    {
        var o = new JsonObject
        {
            ["steps"] = settings.Steps ?? DefaultSteps,
            ["batchSize"] = settings.BatchSize ?? 64,
            ["labelledPerBatch"] = settings.LabelledPerBatch ?? 16,
            ["learningRate"] = settings.LearningRate ?? 1e-3f,
            ["lambdaC"] = settings.ContractiveWeight ?? 1e-3f,
            ["lambda"] = settings.LabelWeight ?? 1f,
            ["optimizer"] = OptimizerName(ParseOptimizer(settings.Optimizer)),
            ["reconstructionLoss"] = LossName(ParseLoss(settings.ReconstructionLoss)),
            ["layers"] = settings.HiddenLayers is null && settings.WidthFactor is null && settings.HiddenWidth is null
                ? "d-64-32-16-16-32-64-d"
                : $"{settings.HiddenLayers ?? 2} hidden, first {(settings.HiddenWidth is { } h ? h.ToString(CultureInfo.InvariantCulture) : settings.WidthFactor is { } f ? f.ToString("0.###", CultureInfo.InvariantCulture) + "·d" : "64")} wide",
        };
        if (settings.HiddenLayers is { } k) o["hiddenLayers"] = k;
        if (settings.WidthFactor is { } wf) o["widthFactor"] = wf;
        if (settings.HiddenWidth is { } hw) o["hiddenWidth"] = hw;
        return o;
    }

    /// <summary>
    /// Encoder hidden widths for <paramref name="settings"/> and input width <paramref name="d"/>: null (the paper's
    /// [64, 32]) when no architecture knob is set; otherwise k layers falling geometrically from the first width
    /// (<see cref="TrainerSettings.HiddenWidth"/>, else round(<see cref="TrainerSettings.WidthFactor"/>·d), else 64)
    /// towards the 16-wide bottleneck — so 2 layers from 64 give the paper's 64, 32.
    /// </summary>
    public static int[]? HiddenWidthsFor(TrainerSettings settings, int d)
    {
        if (settings.HiddenLayers is null && settings.WidthFactor is null && settings.HiddenWidth is null) return null;
        int k = settings.HiddenLayers ?? 2;
        if (k is < 1 or > 16) throw new ArgumentException($"--layers must be between 1 and 16 (got {k}).", "--layers");
        if (settings.WidthFactor is { } f && !(f > 0 && f <= 100)) throw new ArgumentException($"--width-factor must be in (0, 100] (got {f}).", "--width-factor");
        if (settings.HiddenWidth is { } hw && hw is < 1 or > 65_536) throw new ArgumentException($"--hidden must be between 1 and 65,536 (got {hw}).", "--hidden");
        int first = settings.HiddenWidth ?? (settings.WidthFactor is { } factor ? Math.Max(1, (int)Math.Round(factor * d, MidpointRounding.AwayFromZero)) : 64);
        var widths = new int[k];
        double ratio = (double)SsDeepCaeNetwork.LatentWidth / first;
        for (int i = 0; i < k; i++) widths[i] = Math.Max(1, (int)Math.Round(first * Math.Pow(ratio, (double)i / k), MidpointRounding.AwayFromZero));
        return widths;
    }

    /// <summary>Parses a reconstruction loss name (null = MSE); anything else is an <see cref="ArgumentException"/> naming the choices.</summary>
    public static ReconstructionLoss ParseLoss(string? name) => name?.ToLowerInvariant() switch
    {
        null or "mse" => ReconstructionLoss.Mse,
        "mae" => ReconstructionLoss.Mae,
        "smape" => ReconstructionLoss.Smape,
        _ => throw new ArgumentException($"--loss {name}: expected mse, mae or smape.", "--loss"),
    };

    /// <summary>Parses an optimiser name (null = Adam); anything else is an <see cref="ArgumentException"/> naming the choices.</summary>
    public static OptimizerKind ParseOptimizer(string? name) => name?.ToLowerInvariant() switch
    {
        null or "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        "rmsprop" => OptimizerKind.RmsProp,
        _ => throw new ArgumentException($"--optimizer {name}: expected adam, sgd or rmsprop.", "--optimizer"),
    };

    /// <summary>The command-line name of a loss.</summary>
    public static string LossName(ReconstructionLoss loss) => loss switch
    {
        ReconstructionLoss.Mae => "mae",
        ReconstructionLoss.Smape => "smape",
        _ => "mse",
    };

    /// <summary>The command-line name of an optimiser.</summary>
    public static string OptimizerName(OptimizerKind optimizer) => optimizer switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.RmsProp => "rmsprop",
        _ => "adam",
    };

    /// <summary>Trains the network as the request says.</summary>
    public static IComponentScorer Fit(NetworkFitRequest request)
    {
        var s = request.Settings;
        var data = request.Data;
        int steps = s.Steps ?? DefaultSteps;
        int batch = s.BatchSize ?? 64;
        if (steps < 1) throw new ArgumentException($"--steps must be ≥ 1 (got {steps}).", "--steps");
        if (batch < 1) throw new ArgumentException($"--batch-size must be ≥ 1 (got {batch}).", "--batch-size");
        var options = new SsDeepCaeOptions
        {
            Seed = request.Context.Seed,
            LearningRate = s.LearningRate ?? 1e-3f,
            ContractiveWeight = s.ContractiveWeight ?? 1e-3f,
            HiddenWidths = HiddenWidthsFor(s, data.Width),
            Loss = ParseLoss(s.ReconstructionLoss),
            Optimizer = ParseOptimizer(s.Optimizer),
        };
        var network = new SsDeepCaeNetwork(data.Width, options);
        request.Context.Validation["architecture"] = network.Architecture;
        var rng = new Rng(request.Context.Seed).Fork(1);
        var batches = new SemiSupervisedBatches(data, request.Labelled, request.Unlabelled, batch, s.LabelledPerBatch ?? 16, s.LabelWeight ?? 1f, rng);
        var monitor = new TrainingMonitor(request, steps);
        for (int step = 1; step <= steps; step++)
        {
            request.Context.Cancellation.ThrowIfCancellationRequested();
            batches.Next();
            var loss = network.TrainStep(batches.X, batch, batches.Labels, batches.Weights);
            monitor.After(step, loss.Total, (x, n, re, p) => network.Score(x, n, re, default, p));
        }
        return new SsDeepCae(network);
    }

    /// <inheritdoc />
    public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability) =>
        Network.Score(rows, count, reconstructionError, latentNorm, headProbability);

    /// <inheritdoc />
    public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        Network.InputGradient(rows, count, reWeight, latentWeight, headWeight, gradient);
        return true;
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        writer.Write(Network.Options.ContractiveWeight);
        writer.Write(Network.Options.LearningRate);
        Network.Save(writer);
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public static IComponentScorer Read(BinaryReader reader)
    {
        float lambdaC = reader.ReadSingle();
        float lr = reader.ReadSingle();
        return new SsDeepCae(SsDeepCaeNetwork.Load(reader, new SsDeepCaeOptions { ContractiveWeight = lambdaC, LearningRate = lr }));
    }
}
