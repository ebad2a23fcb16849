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
    public static JsonObject Hyperparameters(TrainerSettings settings) => new()
    {
        ["steps"] = settings.Steps ?? DefaultSteps,
        ["batchSize"] = settings.BatchSize ?? 64,
        ["labelledPerBatch"] = settings.LabelledPerBatch ?? 16,
        ["learningRate"] = settings.LearningRate ?? 1e-3f,
        ["lambdaC"] = settings.ContractiveWeight ?? 1e-3f,
        ["lambda"] = settings.LabelWeight ?? 1f,
        ["optimizer"] = "adam",
        ["reconstructionLoss"] = "mse",
        ["layers"] = "d-64-32-16-16-32-64-d",
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
        };
        var network = new SsDeepCaeNetwork(data.Width, options);
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
