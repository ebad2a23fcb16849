namespace Xainomaly.Explanation;

/// <summary>One epoch of FastSHAP training; losses are in squared units of the explained output.</summary>
/// <param name="Epoch">Epoch number (1-based).</param>
/// <param name="TrainLoss">Mean (v_x(s) − v_x(0) − sᵀφ̂)² over the epoch's training coalitions.</param>
/// <param name="ValidationLoss">The same over the fixed validation coalitions (NaN without validation rows).</param>
public sealed record FastShapEpoch(int Epoch, double TrainLoss, double ValidationLoss);
