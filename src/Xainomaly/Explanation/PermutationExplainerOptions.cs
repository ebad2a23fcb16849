namespace Xainomaly.Explanation;

/// <summary>Options of permutation sampling.</summary>
/// <param name="Permutations">Permutations per row (rounded up to an even number: each comes with its reverse).</param>
/// <param name="Seed">Seed of the permutation draws.</param>
public sealed record PermutationExplainerOptions(int Permutations = 20, long Seed = 0);
