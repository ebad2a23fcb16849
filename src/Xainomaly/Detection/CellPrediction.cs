namespace Xainomaly.Detection;

/// <summary>The predicted downlink throughput of a UE in one cell, and the gain over the serving cell.</summary>
/// <param name="CellId">Cell identity.</param>
/// <param name="Throughput">Predicted throughput (Mbit/s for the O-RAN data); NaN when the cell's measurements were not usable.</param>
/// <param name="GainPercent">100 × (this − serving) / serving; 0 for the serving cell; null when the serving prediction is 0 or this one is unusable.</param>
/// <param name="Load">The load used for the prediction.</param>
public sealed record CellPrediction(string CellId, double Throughput, double? GainPercent, double Load);
