namespace Xainomaly.Explanation;

/// <summary>Options of KernelSHAP.</summary>
/// <param name="Budget">Coalitions per row; null = the reference default 2·d + 2048 (capped at 2^d − 2).</param>
/// <param name="Seed">Seed of the coalition draws.</param>
public sealed record KernelShapOptions(int? Budget = null, long Seed = 0);
