namespace Xainomaly.Adversarial;

/// <summary>Settings of <see cref="Pgd"/>.</summary>
/// <param name="Epsilon">Radius ε of the L∞ ball, in scaled units.</param>
/// <param name="StepSize">Step α per iteration in scaled units; null = ε/4.</param>
/// <param name="Steps">Iterations (at most).</param>
/// <param name="RandomStart">Start from a uniform random point of the ε-ball (Madry et al.).</param>
/// <param name="StopOnSuccess">Stop a row as soon as the detector puts it in the target class (fewer changes, same success).</param>
/// <param name="Seed">Seed of the random start.</param>
public sealed record PgdOptions(double Epsilon, double? StepSize = null, int Steps = 20, bool RandomStart = true, bool StopOnSuccess = true, long Seed = 0);
