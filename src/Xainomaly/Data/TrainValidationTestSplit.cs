namespace Xainomaly.Data;

/// <summary>Row indices of a train/validation/test split, each sorted ascending.</summary>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows (for thresholds and hyper-parameters).</param>
/// <param name="Test">Test rows.</param>
public sealed record TrainValidationTestSplit(int[] Train, int[] Validation, int[] Test);
