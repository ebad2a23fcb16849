namespace Xainomaly.Simulation;

/// <summary>The four UE kinds of the valid.csv scenario, each with its own mobility, losses and target throughput.</summary>
internal enum UeKind
{
    Car,
    Pedestrian,
    TrainPassenger,
    WaitingPassenger,
}
