namespace Xainomaly.Service.Steering;

/// <summary>Predicts the downlink throughput a UE would get from a cell, given what it measured of the cell (the QoE predictor of the TS loop).</summary>
public interface IThroughputPredictor
{
    /// <summary>Short name for logs (e.g. the model file).</summary>
    string Name { get; }

    /// <summary>Predicted downlink throughput of <paramref name="cell"/> for the UE; <paramref name="serving"/> is the UE's serving-cell measurement (for context such as load).</summary>
    double PredictDownlink(CellMeasurement cell, CellMeasurement serving);
}
