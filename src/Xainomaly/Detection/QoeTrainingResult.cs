namespace Xainomaly.Detection;

/// <summary>The outcome of <see cref="QoePredictor.Train"/>: the model and its fit on the training and held-out rows.</summary>
/// <param name="Predictor">The trained model.</param>
/// <param name="TrainMetrics">Fit on the training rows.</param>
/// <param name="TestMetrics">Fit on the held-out rows; null when the test fraction is 0.</param>
/// <param name="Seconds">Wall-clock training time.</param>
public sealed record QoeTrainingResult(QoePredictor Predictor, QoeMetrics TrainMetrics, QoeMetrics? TestMetrics, double Seconds);
