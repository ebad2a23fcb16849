namespace Xainomaly.Detection;

/// <summary>
/// Hyper-parameters a user may set for any detector (each kind uses the ones that apply); null means the kind's
/// default from the papers (SS-DeepCAE: Adam, learning rate 1e-3, batch 64, 10,000 steps, MSE).
/// </summary>
public sealed record TrainerSettings
{
    /// <summary>Optimiser steps (neural detectors).</summary>
    public int? Steps { get; init; }

    /// <summary>Rows per mini-batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Labelled rows per mini-batch (B_l); the rest of the batch is unlabelled (B_u).</summary>
    public int? LabelledPerBatch { get; init; }

    /// <summary>Learning rate.</summary>
    public float? LearningRate { get; init; }

    /// <summary>Weight λ_c of the contractive (Jacobian) penalty.</summary>
    public float? ContractiveWeight { get; init; }

    /// <summary>Weight λ of the label loss.</summary>
    public float? LabelWeight { get; init; }

    /// <summary>How the detector scores: <c>auto</c> (chosen on validation), <c>paper</c>, <c>head</c>, <c>reconstruction</c>.</summary>
    public string? Score { get; init; }

    /// <summary>Records per window (LSTM-AE; default 4).</summary>
    public int? WindowLength { get; init; }

    /// <summary>LSTM encoder units (default 256, the paper's).</summary>
    public int? EncoderUnits { get; init; }

    /// <summary>LSTM decoder units (default 512, the paper's).</summary>
    public int? DecoderUnits { get; init; }

    /// <summary>Fixed score weight: γ of the paper score or β of the auto mix (null = chosen on validation).</summary>
    public float? ScoreWeight { get; init; }

    /// <summary>Fixed decision threshold τ (null = chosen on validation).</summary>
    public double? Threshold { get; init; }

    /// <summary>Rows per tree (Isolation Forest; null = scikit-learn's "auto", min(256, n)).</summary>
    public int? MaxSamples { get; init; }

    /// <summary>
    /// Cross-fitting folds for the choice of score mix and τ: 0 = hold back a share of the labels; k ≥ 2 = k-fold over
    /// the budget's labels (out-of-fold scores choose, a final fit uses every label; k + 1 trainings). Null = 0.
    /// </summary>
    public int? CrossFitFolds { get; init; }

    /// <summary>Trees (Isolation Forest).</summary>
    public int? Trees { get; init; }

    /// <summary>Contamination (Isolation Forest), null = scikit-learn's "auto".</summary>
    public double? Contamination { get; init; }

    /// <summary>Share of the budget's labelled rows held back to choose τ and the score mix (honest validation).</summary>
    public double? ValidationShare { get; init; }

    /// <summary>SS-DeepCAE: hidden ReLU layers of the encoder before the bottleneck (default 2; the decoder mirrors them).</summary>
    public int? HiddenLayers { get; init; }

    /// <summary>SS-DeepCAE: first hidden width as a multiple of the input width (paper Table III: 0.5–5).</summary>
    public double? WidthFactor { get; init; }

    /// <summary>SS-DeepCAE: first hidden width in units (default 64; overrides <see cref="WidthFactor"/>).</summary>
    public int? HiddenWidth { get; init; }

    /// <summary>SS-DeepCAE reconstruction loss: mse (default), mae or smape.</summary>
    public string? ReconstructionLoss { get; init; }

    /// <summary>SS-DeepCAE optimiser: adam (default), sgd or rmsprop.</summary>
    public string? Optimizer { get; init; }
}
