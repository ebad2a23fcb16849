namespace Xainomaly.Service.Steering;

/// <summary>
/// A model-free QoE predictor for when no trained one is given: Shannon spectral efficiency log₂(1 + SINR) times the
/// share of PRBs free in the cell. The handover rule compares cells by ratio, so the units cancel.
/// </summary>
/// <remarks>
/// A UE report carries the PRB usage of the serving cell only; a neighbour is assumed to be as loaded as the
/// serving cell, so the comparison is by radio quality alone unless a trained predictor knows better.
/// </remarks>
public sealed class ShannonThroughputPredictor : IThroughputPredictor
{
    /// <summary>PRBs of a 100 MHz NR carrier at 30 kHz spacing, the largest <c>prb_usage</c> in the O-RAN SC data.</summary>
    public const double CarrierPrbs = 273;

    /// <inheritdoc />
    public string Name => "shannon (log2(1+SINR) × free PRB share)";

    /// <inheritdoc />
    public double PredictDownlink(CellMeasurement cell, CellMeasurement serving)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(serving);
        double sinr = Math.Pow(10, cell.Rssinr / 10);
        double prb = cell.PrbUsage ?? serving.PrbUsage ?? 0;
        double free = Math.Clamp(1 - (prb / CarrierPrbs), 0.05, 1);
        return Math.Log2(1 + sinr) * free;
    }
}
