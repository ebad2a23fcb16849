namespace Xainomaly.Evaluation;

/// <summary>One cell of the label-budget table: a model at a budget, summarised over seeds.</summary>
/// <param name="Model">Detector kind.</param>
/// <param name="Budget">Label budget.</param>
/// <param name="Summary">Every metric as mean ± std over the seeds.</param>
/// <param name="Score">Which score produced the numbers (of the first seed).</param>
/// <param name="Seeds">Number of seeds.</param>
/// <param name="MeanSeconds">Mean training time.</param>
public sealed record SweepCell(string Model, string Budget, BinaryMetricsSummary Summary, string Score, int Seeds, double MeanSeconds);
