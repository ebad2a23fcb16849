namespace Xainomaly.Detection;

/// <summary>
/// What a semi-supervised network is trained on: rows whose labels it may use, rows it may only reconstruct, and
/// labelled validation rows it may use for early stopping (their labels are never trained on).
/// </summary>
/// <param name="Data">All training rows (labels of rows outside <paramref name="Labelled"/> and <paramref name="Validation"/> are −1).</param>
/// <param name="Labelled">Rows whose labels enter the label loss.</param>
/// <param name="Unlabelled">Rows used without labels (reconstruction only).</param>
/// <param name="Validation">Labelled rows held back for choices (early stopping, τ, score mix).</param>
/// <param name="Settings">User hyper-parameters.</param>
/// <param name="Context">Seed, progress, cancellation, history.</param>
public sealed record NetworkFitRequest(TrainingData Data, int[] Labelled, int[] Unlabelled, int[] Validation, TrainerSettings Settings, TrainingContext Context);
