namespace Xainomaly.Detection;

/// <summary>How well a <see cref="QoePredictor"/> fits some rows, next to the mean predictor (the training mean).</summary>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="R2">Coefficient of determination, 1 − SSE / SST around these rows' own mean.</param>
/// <param name="Mae">Mean absolute error, in the target's unit.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="MeanPredictorMae">MAE of always predicting the training mean (the baseline to beat).</param>
/// <param name="MeanPredictorR2">R² of always predicting the training mean (≤ 0 on held-out rows).</param>
public sealed record QoeMetrics(int Rows, double R2, double Mae, double Rmse, double MeanPredictorMae, double MeanPredictorR2);
