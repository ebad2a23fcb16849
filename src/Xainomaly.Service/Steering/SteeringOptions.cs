namespace Xainomaly.Service.Steering;

/// <summary>How <c>xainomaly steer</c> decides and where it listens and speaks.</summary>
public sealed record SteeringOptions
{
    /// <summary>Hand over when the best neighbour's predicted downlink beats the serving cell's by more than this, in percent (the A1 policy's <c>threshold</c>).</summary>
    public double ThresholdPercent { get; init; } = 5;

    /// <summary>Largest confidence score (lower is better) for which a handover is ordered; null does not check CS.</summary>
    public double? MaxCs { get; init; }

    /// <summary>Subject anomalies arrive on.</summary>
    public string AnomalySubject { get; init; } = "ran.ad.anomalies";

    /// <summary>Subject handover commands are published on.</summary>
    public string CommandSubject { get; init; } = "ran.ts.commands";
}
