namespace Xainomaly.Detection;

/// <summary>
/// Training and runtime settings of <see cref="SsDeepCaeNetwork"/>. The default architecture is SPEC §2's
/// (d → 64 → 32 → 16 → 16 → 32 → 64 → d, MSE, Adam); <see cref="HiddenWidths"/>, <see cref="Loss"/> and
/// <see cref="Optimizer"/> open the paper's Table III search space and the depth study.
/// </summary>
public sealed record SsDeepCaeOptions
{
    /// <summary>λ_c, the weight of the contractive penalty ‖∂z/∂x‖²_F (chosen on validation; 1e-3 is a mild default).</summary>
    public float ContractiveWeight { get; init; } = 1e-3f;

    /// <summary>
    /// Widths of the encoder's hidden ReLU layers before the linear 16-wide bottleneck (the decoder mirrors them after a
    /// 16-wide ReLU layer); null = the paper's [64, 32].
    /// </summary>
    public IReadOnlyList<int>? HiddenWidths { get; init; }

    /// <summary>Reconstruction term of the training loss (scoring always reports ‖x − x̂‖²).</summary>
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.Mse;

    /// <summary>Optimiser of the training steps.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Learning rate (paper Table III: 1e-3).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam β₁.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam β₂.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam ε (PyTorch form, added to √v̂).</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Optional global gradient-norm clipping before each Adam step.</summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>Seed of the weight initialisation.</summary>
    public long Seed { get; init; }

    /// <summary>Rows per block in batched scoring and input gradients; batches larger than one block run in parallel.</summary>
    public int BlockRows { get; init; } = 4096;

    /// <summary>Upper bound on worker threads for batched scoring (default: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
