namespace Xainomaly.Data;

/// <summary>Row indices of a train/test split, each sorted ascending.</summary>
/// <param name="Train">Training rows.</param>
/// <param name="Test">Test rows (never used for fitting or tuning).</param>
public sealed record TrainTestSplit(int[] Train, int[] Test);
