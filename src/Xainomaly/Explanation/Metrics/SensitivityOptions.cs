namespace Xainomaly.Explanation.Metrics;

/// <summary>Options of the sensitivity metric.</summary>
/// <param name="Epsilon">Radius of the ball around each row (in scaled feature units).</param>
/// <param name="Samples">Perturbed rows x' drawn per row (each is re-explained).</param>
/// <param name="Norm">The ball's norm.</param>
/// <param name="Seed">Seed of the perturbations.</param>
/// <param name="MaxRows">Rows measured (the first ones); null = every row. Sensitivity re-explains Samples rows per row, so slow methods need a cap.</param>
public sealed record SensitivityOptions(double Epsilon = 0.05, int Samples = 8, SensitivityNorm Norm = SensitivityNorm.LInfinity, long Seed = 0, int? MaxRows = null);
