namespace Xainomaly.Adversarial;

/// <summary>Settings of <see cref="Jsma"/>.</summary>
/// <param name="Theta">Change θ of each chosen input per step, in scaled units.</param>
/// <param name="Gamma">Largest share γ of the attackable inputs the attack may change (0 &lt; γ ≤ 1).</param>
/// <param name="MaxChange">Optional L∞ cap per input in scaled units (null = only the valid range bounds it, as in Papernot et al.).</param>
/// <param name="MaxIterations">Safety cap on steps per row.</param>
public sealed record JsmaOptions(double Theta = 0.1, double Gamma = 0.5, double? MaxChange = null, int MaxIterations = 1000);
