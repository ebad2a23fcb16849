namespace Xainomaly.Detection;

/// <summary>An anomalous UE handed to traffic steering by the anomaly detector.</summary>
/// <param name="UeId">The UE, e.g. <c>Car-1</c>.</param>
/// <param name="Serving">The serving cell with its measurements and load.</param>
/// <param name="Neighbours">The neighbour cells the UE reported (may be empty).</param>
/// <param name="Cs">The anomaly explanation's confidence score (fastSHAP-C CS; lower is better).</param>
/// <param name="Timestamp">Time stamped on the decision and the command (the caller's clock or the report's measTimeStampRf), so decisions are reproducible.</param>
public sealed record SteeringRequest(string UeId, CellMeasurement Serving, IReadOnlyList<CellMeasurement> Neighbours, double Cs, string Timestamp);
