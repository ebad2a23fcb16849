namespace Xainomaly.Detection;

/// <summary>Settings of <see cref="DeepAutoencoder"/>; training defaults are the SS-DeepCAE's (SPEC §2).</summary>
public sealed record DeepAutoencoderOptions
{
    /// <summary>
    /// Encoder widths after the input, the last being the bottleneck z; the decoder mirrors them. The default
    /// d → 128 → 64 → 48 → 24 → 48 → 64 → 128 → d has 30,476 trainable parameters for d = 20, about 4× SS-DeepCAE's
    /// 8,180 as the paper's DeepAE.
    /// </summary>
    public IReadOnlyList<int> EncoderWidths { get; init; } = [128, 64, 48, 24];

    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 10_000;

    /// <summary>Rows per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Labelled rows per mini-batch (B_l); the rest are unlabelled (B_u).</summary>
    public int LabelledPerBatch { get; init; } = 16;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>λ: the weight of a labelled row's BCE (unlabelled rows weigh 0).</summary>
    public float LabelWeight { get; init; } = 1f;

    /// <summary>Seed of the weights and the batches.</summary>
    public long Seed { get; init; }

    /// <summary>Upper bound on worker threads for batched scoring.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The options a user's <paramref name="settings"/> and <paramref name="seed"/> ask for.</summary>
    public static DeepAutoencoderOptions From(TrainerSettings settings, long seed)
    {
        var t = AutoencoderTraining.From(settings);
        return new DeepAutoencoderOptions
        {
            Steps = t.Steps,
            BatchSize = t.BatchSize,
            LabelledPerBatch = t.LabelledPerBatch,
            LearningRate = t.LearningRate,
            LabelWeight = t.LabelWeight,
            Seed = seed,
        };
    }

    internal AutoencoderTraining Training => new(Steps, BatchSize, LabelledPerBatch, LearningRate, LabelWeight);
}
