namespace Xainomaly.Explanation;

/// <summary>Limits of exact Shapley enumeration.</summary>
/// <param name="MaxFeatures">Largest d accepted (2^d coalitions are evaluated).</param>
/// <param name="MaxMemoryBytes">Largest working memory accepted (coalition values plus mask buffers).</param>
public sealed record ExactShapleyOptions(int MaxFeatures = 20, long MaxMemoryBytes = 1L << 30);
