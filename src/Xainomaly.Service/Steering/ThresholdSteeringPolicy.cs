using System.Globalization;

namespace Xainomaly.Service.Steering;

/// <summary>
/// The O-RAN SC TS xApp's rule with the explanation's confidence as a second gate: hand the UE over to its best
/// neighbour when that neighbour's predicted downlink exceeds the serving cell's by more than the threshold (percent)
/// and the anomaly's CS is at most the allowed maximum (a poorly explained anomaly does not move a UE).
/// </summary>
public sealed class ThresholdSteeringPolicy(IThroughputPredictor predictor, SteeringOptions options) : ISteeringPolicy
{
    /// <inheritdoc />
    public SteeringDecision Decide(AnomalyMessage anomaly)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        var reasons = new List<string>();
        if (anomaly.Serving is not { } serving)
        {
            reasons.Add("no serving-cell measurement in the anomaly message (cell, kpis.rsrp/rsrq/rssinr)");
            return new SteeringDecision(anomaly.UeId, false, null, null, null, null, null, anomaly.Cs, reasons);
        }
        double servingPrediction = predictor.PredictDownlink(serving, serving);
        CellMeasurement? best = null;
        double bestPrediction = double.NegativeInfinity;
        foreach (var nb in anomaly.Neighbours)
        {
            if (nb.Cell == serving.Cell) continue;
            double p = predictor.PredictDownlink(nb, serving);
            if (p > bestPrediction)
            {
                best = nb;
                bestPrediction = p;
            }
        }
        if (best is null)
        {
            reasons.Add("no neighbour cell in the anomaly message");
            return new SteeringDecision(anomaly.UeId, false, serving.Cell, null, servingPrediction, null, null, anomaly.Cs, reasons);
        }
        double gain = servingPrediction > 0 ? (bestPrediction - servingPrediction) / servingPrediction * 100
            : bestPrediction > 0 ? double.PositiveInfinity : 0;
        bool better = gain > options.ThresholdPercent;
        reasons.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"best neighbour {best.Cell} predicts {bestPrediction:G4} vs serving {serving.Cell} {servingPrediction:G4}: {Percent(gain)} {(better ? ">" : "≤")} threshold {options.ThresholdPercent:G4} %"));
        bool confident = true;
        if (options.MaxCs is { } maxCs)
        {
            if (anomaly.Cs is not { } cs)
            {
                confident = false;
                reasons.Add("no confidence score (CS) in the anomaly message, and a maximum CS is set");
            }
            else
            {
                confident = cs <= maxCs;
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"CS {cs:G4} {(confident ? "≤" : ">")} max {maxCs:G4}"));
            }
        }
        return new SteeringDecision(anomaly.UeId, better && confident, serving.Cell, best.Cell, servingPrediction, bestPrediction, double.IsFinite(gain) ? gain : null, anomaly.Cs, reasons);
    }

    private static string Percent(double gain) =>
        double.IsPositiveInfinity(gain) ? "gain +∞ %" : string.Create(CultureInfo.InvariantCulture, $"gain {gain:+0.0;-0.0;0.0} %");
}
