namespace Xainomaly.Adversarial;

/// <summary>The attackable features ranked by how much an attack used them, next to the model's SHAP ranking.</summary>
/// <param name="Features">Attackable features, most affected first.</param>
/// <param name="AttackedRows">Rows the attack changed at all.</param>
/// <param name="ShapMethod">The explainer of the SHAP ranking (null when none was computed).</param>
/// <param name="SpearmanWithShap">Spearman rank correlation of attack ranking (rows changed, then |Δ|) and mean |φ|, over the attackable features (null without explanations or with a constant ranking).</param>
public sealed record AffectedFeatureReport(IReadOnlyList<AffectedFeature> Features, int AttackedRows, string? ShapMethod, double? SpearmanWithShap);
