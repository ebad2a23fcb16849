namespace Xainomaly.Explanation;

/// <summary>
/// The Shapley explanation of one row, the same shape for every method (like the shap library's
/// <c>Explanation</c>): Σ <see cref="Values"/> ≈ <see cref="Output"/> − <see cref="BaseValue"/>.
/// </summary>
/// <param name="BaseValue">E[f(x')] over the background.</param>
/// <param name="Output">f(x) of the explained row.</param>
/// <param name="Values">φ per feature.</param>
/// <param name="Data">The row's (scaled) feature values.</param>
/// <param name="FeatureNames">Names of the features, aligned with <paramref name="Values"/>.</param>
/// <param name="Method">Method that produced φ (e.g. <c>exact</c>, <c>permutation</c>, <c>kernel</c>).</param>
/// <param name="ConfidenceScore">fastSHAP-C confidence score CS, when computed.</param>
/// <param name="ErrorMetric">fastSHAP-C error metric EM, when computed.</param>
/// <param name="EfficiencyGap">f(x) − E f − Σφ, when reported.</param>
/// <param name="WallTime">Wall time spent on this row (the batch's time divided over its rows).</param>
public sealed record Explanation(
    double BaseValue,
    double Output,
    double[] Values,
    double[] Data,
    IReadOnlyList<string> FeatureNames,
    string Method,
    double? ConfidenceScore,
    double? ErrorMetric,
    double? EfficiencyGap,
    TimeSpan WallTime);
