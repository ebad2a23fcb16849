namespace Xainomaly.Detection;

/// <summary>Settings of <see cref="SemiSupervisedVae"/>; training defaults are the SS-DeepCAE's (SPEC §2).</summary>
public sealed record SemiSupervisedVaeOptions
{
    /// <summary>Hidden widths of the encoder (the decoder mirrors them); default d → 64 → 32 → (μ, log σ²).</summary>
    public IReadOnlyList<int> HiddenWidths { get; init; } = [64, 32];

    /// <summary>Width of the latent code z (and of μ and log σ²).</summary>
    public int Latent { get; init; } = 16;

    /// <summary>β_KL, the weight of KL(q(z|x) ‖ N(0, I)) in the loss (1 = the standard evidence lower bound).</summary>
    public float KlWeight { get; init; } = 1f;

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

    /// <summary>Seed of the weights, the batches and the reparameterisation noise ε.</summary>
    public long Seed { get; init; }

    /// <summary>Upper bound on worker threads for batched scoring.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The options a user's <paramref name="settings"/> and <paramref name="seed"/> ask for.</summary>
    public static SemiSupervisedVaeOptions From(TrainerSettings settings, long seed)
    {
        var t = AutoencoderTraining.From(settings);
        return new SemiSupervisedVaeOptions
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
