namespace Xainomaly.Service.Pipeline;

/// <summary>One feature's Shapley value φ in a record's explanation, with the feature's raw value when it has one.</summary>
/// <param name="Feature">Input feature name (as the model's preprocessor names it).</param>
/// <param name="Phi">Its Shapley value.</param>
/// <param name="Value">The record's raw value of the feature's source column, when numeric.</param>
public sealed record FeatureContribution(string Feature, double Phi, double? Value);
