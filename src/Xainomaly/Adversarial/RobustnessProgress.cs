namespace Xainomaly.Adversarial;

/// <summary>Progress of a robustness run.</summary>
/// <param name="Done">Units of work done (trainings and attacks).</param>
/// <param name="Total">Units of work in all.</param>
/// <param name="Status">What runs now.</param>
public sealed record RobustnessProgress(int Done, int Total, string Status);
