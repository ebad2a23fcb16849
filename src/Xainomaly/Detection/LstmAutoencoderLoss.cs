namespace Xainomaly.Detection;

/// <summary>
/// The parts of the LSTM-AE mini-batch loss, each averaged over the N windows of the batch:
/// <see cref="Reconstruction"/> = mean ‖window − reconstruction‖² (summed over steps and features),
/// <see cref="Classification"/> = mean α·BCE (already weighted), <see cref="Total"/> = their sum, the value minimised.
/// </summary>
public readonly record struct LstmAutoencoderLoss(double Reconstruction, double Classification, double Total);
