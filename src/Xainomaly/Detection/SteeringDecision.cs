using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>What traffic steering decided for one anomalous UE, and why.</summary>
/// <param name="UeId">The UE.</param>
/// <param name="HandOver">True when a handover is ordered.</param>
/// <param name="FromCell">The serving cell.</param>
/// <param name="ToCell">The target cell when <paramref name="HandOver"/>, else null.</param>
/// <param name="BestNeighbour">The neighbour with the highest predicted throughput, if any was usable (also when no handover is ordered).</param>
/// <param name="Reason">Why, in one sentence: <c>neighbour X predicted +Y % over serving</c>, <c>CS too high …</c>, <c>no better neighbour …</c>, <c>no neighbour cells reported</c>.</param>
/// <param name="Cs">The anomaly's confidence score; NaN when the anomaly carried none.</param>
/// <param name="Serving">The serving cell's prediction.</param>
/// <param name="Neighbours">Every neighbour's prediction, in request order.</param>
/// <param name="Timestamp">The request's timestamp.</param>
public sealed record SteeringDecision(
    string UeId,
    bool HandOver,
    string FromCell,
    string? ToCell,
    string? BestNeighbour,
    string Reason,
    double Cs,
    CellPrediction Serving,
    IReadOnlyList<CellPrediction> Neighbours,
    string Timestamp)
{
    /// <summary>
    /// Every check the policy made, in words and in order: how the best neighbour compared with the serving cell, then
    /// the CS gate (<c>CS 0.04 ≤ max 0.1</c>) when a maximum CS is set. <see cref="Reason"/> is the one that decided.
    /// </summary>
    public IReadOnlyList<string> Reasons { get; init; } = [Reason];

    /// <summary>The best neighbour's prediction (the first of the highest finite throughputs), or null when no neighbour was usable.</summary>
    public CellPrediction? BestPrediction
    {
        get
        {
            CellPrediction? best = null;
            foreach (var n in Neighbours)
            {
                if (double.IsFinite(n.Throughput) && (best is null || n.Throughput > best.Throughput)) best = n;
            }
            return best;
        }
    }

    /// <summary>
    /// The handover command in the O-RAN SC TS xApp's shape, <c>{"command":"HandOff","ue","fromCell","toCell","reason","cs","timestamp"}</c>;
    /// null when no handover is ordered. A missing CS (NaN) is written as null.
    /// </summary>
    public JsonObject? ToHandOffCommand() => HandOver
        ? new JsonObject
        {
            ["command"] = "HandOff",
            ["ue"] = UeId,
            ["fromCell"] = FromCell,
            ["toCell"] = ToCell,
            ["reason"] = Reason,
            ["cs"] = double.IsFinite(Cs) ? Cs : null,
            ["timestamp"] = Timestamp,
        }
        : null;

    /// <summary>The whole decision as JSON, for decision logs (predictions included).</summary>
    public JsonObject ToJson()
    {
        static JsonObject Cell(CellPrediction p) => new()
        {
            ["cell"] = p.CellId,
            ["throughput"] = double.IsFinite(p.Throughput) ? p.Throughput : null,
            ["gainPercent"] = p.GainPercent,
            ["load"] = p.Load,
        };
        var nbs = new JsonArray();
        foreach (var n in Neighbours) nbs.Add(Cell(n));
        var reasons = new JsonArray();
        foreach (var r in Reasons) reasons.Add(r);
        return new JsonObject
        {
            ["ue"] = UeId,
            ["handOver"] = HandOver,
            ["fromCell"] = FromCell,
            ["toCell"] = ToCell,
            ["bestNeighbour"] = BestNeighbour,
            ["reason"] = Reason,
            ["reasons"] = reasons,
            ["cs"] = double.IsFinite(Cs) ? Cs : null,
            ["serving"] = Cell(Serving),
            ["neighbours"] = nbs,
            ["timestamp"] = Timestamp,
        };
    }
}
