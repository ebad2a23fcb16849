namespace Xainomaly.Detection;

/// <summary>Settings of <see cref="MlpClassifier"/> (the SON paper's detector, SPEC §4).</summary>
public sealed record MlpClassifierOptions
{
    /// <summary>Hidden layer widths (ReLU); the paper's 3 × 256.</summary>
    public IReadOnlyList<int> HiddenWidths { get; init; } = [256, 256, 256];

    /// <summary>Dropout probability after every hidden layer, during training only.</summary>
    public float Dropout { get; init; } = 0.4f;

    /// <summary>Labelled rows per mini-batch (fewer when the budget has fewer rows).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Most epochs when validation rows allow early stopping.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>Epochs without a new best validation loss before training stops (the best weights are restored).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Epochs trained when there are no validation rows (no early stopping possible).</summary>
    public int EpochsWithoutValidation { get; init; } = 50;

    /// <summary>Optional cap on Adam steps (the user's <c>--steps</c>); null = no cap beyond the epochs.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Seed of the weights, the batch order and the dropout masks.</summary>
    public long Seed { get; init; }

    /// <summary>Upper bound on worker threads for batched scoring.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The options a user's <paramref name="settings"/> and <paramref name="seed"/> ask for.</summary>
    public static MlpClassifierOptions From(TrainerSettings settings, long seed)
    {
        var o = new MlpClassifierOptions
        {
            BatchSize = settings.BatchSize ?? 32,
            LearningRate = settings.LearningRate ?? 1e-3f,
            MaxSteps = settings.Steps,
            Seed = seed,
        };
        if (o.BatchSize < 1) throw new ArgumentException($"--batch-size {o.BatchSize}: expected at least 1.", "--batch-size");
        if (!(o.LearningRate > 0)) throw new ArgumentException($"--learning-rate {o.LearningRate}: expected a positive number.", "--learning-rate");
        if (o.MaxSteps is < 1) throw new ArgumentException($"--steps {o.MaxSteps}: expected at least 1.", "--steps");
        return o;
    }
}
