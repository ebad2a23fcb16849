namespace Xainomaly.Adversarial;

/// <summary>What an attack did to one row.</summary>
/// <param name="Attacked">False for rows the goal leaves alone (e.g. normal rows under <see cref="AttackGoal.Evade"/>) or unlabelled rows.</param>
/// <param name="Target">The class the attack pushed towards (0 normal, 1 anomalous; −1 when not attacked).</param>
/// <param name="CorrectBefore">The detector classified the clean row correctly.</param>
/// <param name="Success">After the attack the detector predicts <paramref name="Target"/>.</param>
/// <param name="ChangedFeatures">Inputs whose value changed, ascending (L0 = their count).</param>
/// <param name="LInf">Largest absolute change of any input, in scaled units.</param>
/// <param name="Iterations">Gradient steps taken (1 for FGSM, 0 when not attacked).</param>
public sealed record AttackRecord(bool Attacked, int Target, bool CorrectBefore, bool Success, int[] ChangedFeatures, double LInf, int Iterations)
{
    /// <summary>Number of changed inputs (the L0 norm of the perturbation).</summary>
    public int L0 => ChangedFeatures.Length;
}
