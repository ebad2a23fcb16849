namespace Xainomaly.Adversarial;

/// <summary>
/// A white-box evasion attack on a detector's preprocessed inputs (the Adversarial Robustness Toolbox's shape: the
/// attack is its own object over the detector's input gradient and a feature mask).
/// </summary>
public interface IAdversarialAttack
{
    /// <summary>Method name as reported (<c>fgsm</c>, <c>pgd</c>, <c>jsma</c>).</summary>
    string Method { get; }

    /// <summary>
    /// Adversarial versions of <paramref name="count"/> row-major rows with true <paramref name="labels"/> (−1 = unlabelled,
    /// never attacked), plus a per-row record. Rows the goal does not attack are returned unchanged.
    /// </summary>
    AttackResult Generate(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, AttackGoal goal);
}
