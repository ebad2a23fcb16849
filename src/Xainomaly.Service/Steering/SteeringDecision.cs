namespace Xainomaly.Service.Steering;

/// <summary>What traffic steering decided for one anomalous UE, and why.</summary>
/// <param name="UeId">The UE.</param>
/// <param name="HandOff">True when a handover is ordered.</param>
/// <param name="FromCell">Serving cell, when known.</param>
/// <param name="ToCell">Best neighbour cell (the target when <paramref name="HandOff"/>), when there is one.</param>
/// <param name="ServingPrediction">Predicted downlink throughput in the serving cell.</param>
/// <param name="BestPrediction">Predicted downlink throughput in the best neighbour.</param>
/// <param name="GainPercent">How much better the best neighbour is, in percent of the serving cell's prediction.</param>
/// <param name="Cs">The anomaly's confidence score.</param>
/// <param name="Reasons">Every reason that led to the decision, in words.</param>
public sealed record SteeringDecision(
    string UeId,
    bool HandOff,
    string? FromCell,
    string? ToCell,
    double? ServingPrediction,
    double? BestPrediction,
    double? GainPercent,
    double? Cs,
    IReadOnlyList<string> Reasons);
