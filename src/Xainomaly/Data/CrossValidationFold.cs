namespace Xainomaly.Data;

/// <summary>One fold of a k-fold partition, as row indices sorted ascending.</summary>
/// <param name="Train">Rows to fit on (every other fold).</param>
/// <param name="Validation">Rows of this fold.</param>
public sealed record CrossValidationFold(int[] Train, int[] Validation);
