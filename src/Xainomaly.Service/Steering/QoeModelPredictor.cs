using Xainomaly.Detection;

namespace Xainomaly.Service.Steering;

/// <summary>The trained QoE model (<c>train --model qoe</c>) as steering's predictor: downlink from RSRP, RSRQ, SINR and PRB load.</summary>
/// <remarks>A UE report carries the PRB usage of the serving cell only, so a neighbour is predicted at the serving cell's load.</remarks>
public sealed class QoeModelPredictor(QoePredictor model, string name) : IThroughputPredictor
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public double PredictDownlink(CellMeasurement cell, CellMeasurement serving)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(serving);
        return model.Predict(cell.Rsrp, cell.Rsrq, cell.Rssinr, cell.PrbUsage ?? serving.PrbUsage ?? 0);
    }
}
