namespace Xainomaly.Service.Pipeline;

/// <summary>One record's explanation as an <see cref="IRecordExplainer"/> returns it.</summary>
/// <param name="Phi">Shapley value of each input feature, in the detector's input order.</param>
/// <param name="BaseValue">E f over the background (v(∅)).</param>
/// <param name="ConfidenceScore">fastSHAP-C CS: mean |v(s) − v(∅) − sᵀφ| over sampled coalitions (lower is better).</param>
/// <param name="ErrorMetric">fastSHAP-C EM: mean squared additive-fit error over the same coalitions.</param>
/// <param name="EfficiencyGap">f(x) − E f − Σφ.</param>
public sealed record RecordExplanation(double[] Phi, double BaseValue, double ConfidenceScore, double ErrorMetric, double EfficiencyGap);
