namespace Xainomaly.Service.Steering;

/// <summary>The pure decision of traffic steering: handover or not, with reasons. No I/O.</summary>
public interface ISteeringPolicy
{
    /// <summary>Decides for one anomalous UE.</summary>
    SteeringDecision Decide(AnomalyMessage anomaly);
}
