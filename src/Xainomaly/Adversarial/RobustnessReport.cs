namespace Xainomaly.Adversarial;

/// <summary>The robustness matrix and what it was run on.</summary>
/// <param name="Cells">One per detector × attack × ε, in run order.</param>
/// <param name="Goal">The attack goal on the test split.</param>
/// <param name="Features">Per detector kind, the attackable source columns.</param>
/// <param name="TestRows">Rows of the test split.</param>
/// <param name="LabelBudget">The label budget (a number or "all").</param>
/// <param name="Seconds">Wall time of the whole run.</param>
public sealed record RobustnessReport(IReadOnlyList<RobustnessCell> Cells, AttackGoal Goal, IReadOnlyDictionary<string, IReadOnlyList<string>> Features, int TestRows, string LabelBudget, double Seconds);
