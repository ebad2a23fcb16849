using System.Globalization;

namespace Xainomaly.Detection;

/// <summary>
/// The model-free throughput predictor traffic steering uses when no trained <see cref="QoePredictor"/> is given:
/// Shannon spectral efficiency log₂(1 + SINR) times the share of PRBs free in the cell. The policy compares cells by
/// ratio, so the units cancel; RSRP and RSRQ are not used.
/// </summary>
/// <remarks>
/// UE reports carry the PRB usage of the serving cell only, and the policy predicts a neighbour of unknown load at the
/// serving cell's load, so without a trained predictor cells are compared by radio quality alone.
/// </remarks>
public sealed class ShannonThroughputPredictor : IThroughputPredictor
{
    /// <summary>PRBs of a 100 MHz NR carrier at 30 kHz spacing, the largest <c>prb_usage</c> in the O-RAN SC data.</summary>
    public const double CarrierPrbs = 273;

    /// <summary>Smallest free share assumed, so that a fully loaded cell still ranks by its SINR.</summary>
    public const double MinFreeShare = 0.05;

    /// <summary>How logs and result files name this predictor.</summary>
    public const string Description = "shannon (log2(1+SINR) × free PRB share)";

    /// <inheritdoc />
    /// <exception cref="ArgumentException">SINR or load is NaN or infinite.</exception>
    public double Predict(double rsrp, double rsrq, double sinr, double load)
    {
        if (!double.IsFinite(sinr) || !double.IsFinite(load))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Shannon throughput needs a finite SINR and load (got SINR {sinr}, load {load})."));
        double linear = Math.Pow(10, sinr / 10);
        double free = Math.Clamp(1 - (load / CarrierPrbs), MinFreeShare, 1);
        return Math.Log2(1 + linear) * free;
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
