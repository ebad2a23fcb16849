namespace Xainomaly.Evaluation.Tuning;

/// <summary>The configurations of a search ranked by the objective (best first; ties keep search order).</summary>
/// <param name="Ranked">The trials, best first.</param>
/// <param name="Objective">The ranking objective.</param>
/// <param name="Folds">Folds per configuration.</param>
/// <param name="LabelledRows">Budget labels the folds split.</param>
/// <param name="Seconds">Wall time of the search.</param>
public sealed record TuningResult(IReadOnlyList<TuningTrial> Ranked, TuningObjective Objective, int Folds, int LabelledRows, double Seconds)
{
    /// <summary>The winner.</summary>
    public TuningTrial Best => Ranked[0];
}
