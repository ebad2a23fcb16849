namespace Xainomaly.Adversarial;

/// <summary>Settings of <see cref="AdversarialTrainer"/>.</summary>
/// <param name="Attack">The attack that makes the adversarial training rows (FGSM or PGD; JSMA works too).</param>
/// <param name="Mask">Inputs the attack may change (the same threat model as the evaluation).</param>
/// <param name="Ratio">Adversarial rows per labelled training row (0 &lt; r; e.g. 1 = as many adversarial rows as labels).</param>
/// <param name="Rounds">Rounds of generate-and-retrain (each round attacks the model of the previous one).</param>
public sealed record AdversarialTrainingOptions(AttackSettings Attack, FeatureMask Mask, double Ratio = 1.0, int Rounds = 3);
