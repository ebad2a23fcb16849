using System.Globalization;

namespace Xainomaly.Detection;

/// <summary>
/// The decision logic of the traffic-steering xApp (SPEC §5): for an anomalous UE, predict its downlink throughput in
/// the serving cell and in every neighbour, and order a handover to the best neighbour when it beats the serving cell
/// by more than <see cref="TrafficSteeringOptions.ThresholdPercent"/> (the A1 policy of the O-RAN SC TS xApp) and the
/// anomaly's confidence score is good enough (CS ≤ <see cref="TrafficSteeringOptions.MaxCs"/>, when set). Every
/// decision says why: <see cref="SteeringDecision.Reason"/> in one sentence, <see cref="SteeringDecision.Reasons"/>
/// check by check.
/// Pure and deterministic: no clock, no I/O; the messaging layer feeds it and publishes the commands.
/// </summary>
public sealed class TrafficSteeringPolicy
{
    private readonly IThroughputPredictor _predictor;

    /// <summary>A policy over <paramref name="predictor"/> (usually a <see cref="QoePredictor"/>).</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public TrafficSteeringPolicy(IThroughputPredictor predictor, TrafficSteeringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        Options = options ?? new TrafficSteeringOptions();
        Options.Validate();
        _predictor = predictor;
    }

    /// <summary>The policy's thresholds.</summary>
    public TrafficSteeringOptions Options { get; }

    /// <summary>Decides for one anomalous UE.</summary>
    /// <exception cref="ArgumentException">The request lacks a UE id or cell id, or the serving cell's measurements or load are not finite numbers.</exception>
    public SteeringDecision Decide(SteeringRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.UeId)) throw new ArgumentException("The steering request has no UE id.", nameof(request));
        var serving = request.Serving ?? throw new ArgumentException($"UE {request.UeId}: the steering request has no serving cell.", nameof(request));
        if (string.IsNullOrWhiteSpace(serving.CellId)) throw new ArgumentException($"UE {request.UeId}: the serving cell has no id.", nameof(request));
        if (!Usable(serving)) throw new ArgumentException(Inv($"UE {request.UeId}: the serving cell {serving.CellId}'s measurements must be finite numbers (RSRP {serving.Rsrp}, RSRQ {serving.Rsrq}, SINR {serving.Sinr})."), nameof(request));
        double servingLoad = serving.Load ?? Options.UnknownLoad
            ?? throw new ArgumentException($"UE {request.UeId}: the serving cell {serving.CellId} has no load (PRB usage).", nameof(request));
        if (!double.IsFinite(servingLoad) || servingLoad < 0) throw new ArgumentException(Inv($"UE {request.UeId}: the serving cell's load must be a number ≥ 0 (got {servingLoad})."), nameof(request));

        double s = _predictor.Predict(serving.Rsrp, serving.Rsrq, serving.Sinr, servingLoad);
        var servingPrediction = new CellPrediction(serving.CellId, s, 0, servingLoad);
        var neighbours = request.Neighbours ?? [];
        var predictions = new CellPrediction[neighbours.Count];
        int best = -1;
        for (int i = 0; i < predictions.Length; i++)
        {
            var n = neighbours[i];
            double load = n is null ? double.NaN : n.Load ?? Options.UnknownLoad ?? servingLoad;
            // A neighbour slot without measurements (NaN, as in short neighbour lists) cannot be judged: skip it.
            if (n is null || string.IsNullOrWhiteSpace(n.CellId) || !Usable(n) || !double.IsFinite(load) || load < 0 || n.CellId == serving.CellId)
            {
                predictions[i] = new CellPrediction(n?.CellId ?? "", double.NaN, null, load);
                continue;
            }
            double p = _predictor.Predict(n.Rsrp, n.Rsrq, n.Sinr, load);
            predictions[i] = new CellPrediction(n.CellId, p, s > 0 ? 100 * (p - s) / s : null, load);
            if (best < 0 || p > predictions[best].Throughput) best = i;
        }

        string? bestCell = best >= 0 ? predictions[best].CellId : null;

        // Both checks are always made, so the decision log says how the cells compared even when CS vetoes.
        bool better;
        string comparison;
        if (best < 0)
        {
            better = false;
            comparison = neighbours.Count == 0 ? "no neighbour cells reported" : "no neighbour with usable measurements";
        }
        else if (s <= 0)
        {
            var b = predictions[best];
            better = b.Throughput > 0;
            comparison = better ? Inv($"neighbour {b.CellId} predicted {b.Throughput:0.####} against 0 on serving") : "no better neighbour: every cell is predicted at 0";
        }
        else
        {
            var b = predictions[best];
            double gain = b.GainPercent!.Value;
            var detail = Inv($"({b.Throughput:0.####} vs {s:0.####}; threshold {Options.ThresholdPercent:0.##} %)");
            better = gain > Options.ThresholdPercent;
            comparison = better
                ? Inv($"neighbour {b.CellId} predicted {gain:+0.#;-0.#;0} % over serving {detail}")
                : Inv($"no better neighbour: best {b.CellId} predicted {gain:+0.#;-0.#;0} % over serving {detail}");
        }

        string reason = comparison;
        var reasons = new List<string>(2) { comparison };
        bool trusted = true;
        if (Options.MaxCs is { } maxCs)
        {
            if (double.IsNaN(request.Cs))
            {
                trusted = false;
                reasons.Add(Inv($"no confidence score (CS) while max CS is {maxCs:0.####}"));
                reason = Inv($"no confidence score (CS) while max CS is {maxCs:0.####}: the anomaly is not trusted enough to act on");
            }
            else
            {
                trusted = request.Cs <= maxCs;
                reasons.Add(Inv($"CS {request.Cs:0.####} {(trusted ? "≤" : ">")} max {maxCs:0.####}"));
                if (!trusted) reason = Inv($"CS {request.Cs:0.####} too high (max {maxCs:0.####}): the explanation is not reliable enough to act on");
            }
        }
        bool handOver = better && trusted;
        return new SteeringDecision(request.UeId, handOver, serving.CellId, handOver ? bestCell : null, bestCell, reason, request.Cs, servingPrediction, predictions, request.Timestamp)
        {
            Reasons = reasons,
        };
    }

    private static bool Usable(CellMeasurement c) => double.IsFinite(c.Rsrp) && double.IsFinite(c.Rsrq) && double.IsFinite(c.Sinr);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
