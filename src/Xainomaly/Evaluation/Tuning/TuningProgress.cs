namespace Xainomaly.Evaluation.Tuning;

/// <summary>Progress of a search: fold trainings done of all, and the best configuration so far.</summary>
/// <param name="Done">Fold trainings finished (cached configurations count all their folds).</param>
/// <param name="Total">Fold trainings in the search.</param>
/// <param name="Best">Best configuration so far (null before the first finishes).</param>
/// <param name="BestMean">Its mean objective.</param>
public readonly record struct TuningProgress(int Done, int Total, TuningConfiguration? Best, double BestMean);
