namespace Xainomaly.Adversarial;

/// <summary>Settings of <see cref="Fgsm"/>.</summary>
/// <param name="Epsilon">Step size ε in scaled units (the [0, 1] range of each input).</param>
/// <param name="Targeted">
/// Step against the loss of the target class, x* = x − ε·sign(∇ₓJ(x, t)), instead of along the loss of the true class,
/// x* = x + ε·sign(∇ₓJ(x, y)). With two classes both move towards the other class; they differ only for a
/// probability score, through the size (never the sign) of the gradient.
/// </param>
public sealed record FgsmOptions(double Epsilon, bool Targeted = false);
