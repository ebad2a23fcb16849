namespace Xainomaly.Adversarial;

/// <summary>How an attack used one input feature (the SON paper's "most affected features").</summary>
/// <param name="Index">Input index.</param>
/// <param name="Name">Feature name.</param>
/// <param name="Unit">Physical unit ("" when unknown).</param>
/// <param name="RowsChanged">Attacked rows in which the attack changed this input.</param>
/// <param name="MeanAbsDelta">Mean |Δ| over those rows in scaled units.</param>
/// <param name="MeanAbsDeltaPhysical">Mean |Δ| over those rows in physical units (scaled × (max − min)).</param>
/// <param name="Rank">1 = most affected (most rows changed, then largest mean |Δ|).</param>
/// <param name="MeanAbsShap">The model's mean |φ| of this input over the explained rows (null without explanations).</param>
/// <param name="ShapRank">Rank by mean |φ| among the attackable inputs (null without explanations).</param>
public sealed record AffectedFeature(int Index, string Name, string Unit, int RowsChanged, double MeanAbsDelta, double MeanAbsDeltaPhysical, int Rank, double? MeanAbsShap = null, int? ShapRank = null);
