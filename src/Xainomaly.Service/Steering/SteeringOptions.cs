namespace Xainomaly.Service.Steering;

/// <summary>Where the traffic-steering loop listens and speaks; the decision's thresholds are the policy's (<see cref="Detection.TrafficSteeringOptions"/>).</summary>
public sealed record SteeringOptions
{
    /// <summary>Subject anomalies arrive on.</summary>
    public string AnomalySubject { get; init; } = "ran.ad.anomalies";

    /// <summary>Subject handover commands are published on.</summary>
    public string CommandSubject { get; init; } = "ran.ts.commands";
}
