namespace Xainomaly.Detection;

/// <summary>One progress report of a training run.</summary>
/// <param name="Step">Steps (or trees, epochs) done.</param>
/// <param name="Total">Steps planned.</param>
/// <param name="Loss">Current training loss (NaN when the detector has none).</param>
/// <param name="ValidationLoss">Loss on the run's validation rows, where measured.</param>
/// <param name="ValidationAccuracy">Accuracy on the run's labelled validation rows, where measured.</param>
/// <param name="Phase">What is being trained (e.g. "selection fit", "final fit").</param>
public sealed record TrainingProgress(long Step, long Total, double Loss, double? ValidationLoss = null, double? ValidationAccuracy = null, string Phase = "fit");
