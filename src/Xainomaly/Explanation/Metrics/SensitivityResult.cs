namespace Xainomaly.Explanation.Metrics;

/// <summary>Sensitivity λ(x) = max over sampled x' in the ε-ball of ‖φ(x) − φ(x')‖₂ / ‖x − x'‖₂.</summary>
/// <param name="Method">The explained method.</param>
/// <param name="PerRow">λ per measured row.</param>
/// <param name="Mean">Mean of λ over the rows.</param>
/// <param name="Max">Largest λ.</param>
/// <param name="Options">How it was measured.</param>
public sealed record SensitivityResult(string Method, double[] PerRow, double Mean, double Max, SensitivityOptions Options);
