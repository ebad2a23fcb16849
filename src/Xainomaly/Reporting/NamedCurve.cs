namespace Xainomaly.Reporting;

/// <summary>A named ROC or precision–recall curve for <see cref="CurveChart"/> (e.g. one per detector).</summary>
/// <param name="Name">Legend text; the chart appends the AUC or average precision.</param>
/// <param name="Roc">The ROC curve, for <see cref="CurveChart.Roc"/>.</param>
/// <param name="PrecisionRecall">The precision–recall curve, for <see cref="CurveChart.PrecisionRecall"/>.</param>
public sealed record NamedCurve(string Name, Evaluation.RocCurve? Roc = null, Evaluation.PrecisionRecallCurve? PrecisionRecall = null);
