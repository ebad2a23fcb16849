namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// Exclusion and inclusion curves of one method (paper Table VII, Fig. 9): at κ = k/d, k = 0..d, the top k features of
/// each row by |φ| are removed (exclusion) or are the only ones kept (inclusion), the rest coming from the background.
/// Areas are trapezoids over κ ∈ [0, 1] (<c>…Auc</c>) and over the feature count 0..d (<c>…AucFeatures</c> = d ×
/// the former; the scale of the paper's figures, whose axis counts features). Lower exclusion and higher inclusion
/// areas mean better explanations.
/// </summary>
/// <param name="Method">The explained method.</param>
/// <param name="Rows">Rows measured.</param>
/// <param name="Kappa">κ per point (d + 1 points).</param>
/// <param name="ExclusionAccuracy">Detection accuracy with the top ⌊κd⌋ features removed.</param>
/// <param name="InclusionAccuracy">Detection accuracy with only the top ⌊κd⌋ features kept.</param>
/// <param name="ExclusionOutput">Mean model output with the top features removed.</param>
/// <param name="InclusionOutput">Mean model output with only the top features kept.</param>
/// <param name="ExclusionLogOdds">Mean log-odds −log(Pr(ŷ|x_masked)/Pr(ŷ|x)) with the top features removed; null without a probability.</param>
/// <param name="InclusionLogOdds">The same with only the top features kept; null without a probability.</param>
/// <param name="AgainstLabels">True when accuracy is against the labels; false when against the model's own decisions on the unmasked rows.</param>
public sealed record RemovalCurveResult(
    string Method,
    int Rows,
    double[] Kappa,
    double[] ExclusionAccuracy,
    double[] InclusionAccuracy,
    double[] ExclusionOutput,
    double[] InclusionOutput,
    double[]? ExclusionLogOdds,
    double[]? InclusionLogOdds,
    bool AgainstLabels)
{
    /// <summary>Area under the exclusion accuracy curve, κ ∈ [0, 1].</summary>
    public double ExclusionAuc => RemovalCurves.Trapezoid(ExclusionAccuracy);

    /// <summary>Area under the inclusion accuracy curve, κ ∈ [0, 1].</summary>
    public double InclusionAuc => RemovalCurves.Trapezoid(InclusionAccuracy);

    /// <summary>Area under the exclusion accuracy curve over the feature count 0..d.</summary>
    public double ExclusionAucFeatures => ExclusionAuc * (Kappa.Length - 1);

    /// <summary>Area under the inclusion accuracy curve over the feature count 0..d.</summary>
    public double InclusionAucFeatures => InclusionAuc * (Kappa.Length - 1);

    /// <summary>Area under the exclusion log-odds curve, κ ∈ [0, 1] (higher = removing the top features hurts the prediction more).</summary>
    public double? ExclusionLogOddsAuc => ExclusionLogOdds is null ? null : RemovalCurves.Trapezoid(ExclusionLogOdds);

    /// <summary>Area under the inclusion log-odds curve, κ ∈ [0, 1] (lower = the kept top features restore the prediction sooner).</summary>
    public double? InclusionLogOddsAuc => InclusionLogOdds is null ? null : RemovalCurves.Trapezoid(InclusionLogOdds);

    /// <summary>Log-odds of removing each row's top-1 feature alone (κ = 1/d); null without a probability.</summary>
    public double? TopFeatureLogOdds => ExclusionLogOdds is { Length: > 1 } l ? l[1] : null;
}
