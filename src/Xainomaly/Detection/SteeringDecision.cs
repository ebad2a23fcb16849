using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>What traffic steering decided for one anomalous UE, and why.</summary>
/// <param name="UeId">The UE.</param>
/// <param name="HandOver">True when a handover is ordered.</param>
/// <param name="FromCell">The serving cell.</param>
/// <param name="ToCell">The target cell when <paramref name="HandOver"/>, else null.</param>
/// <param name="BestNeighbour">The neighbour with the highest predicted throughput, if any was usable (also when no handover is ordered).</param>
/// <param name="Reason">Why, in words: <c>neighbour X predicted +Y % over serving</c>, <c>CS too high …</c>, <c>no better neighbour …</c>, <c>no neighbour cells reported</c>.</param>
/// <param name="Cs">The anomaly's confidence score.</param>
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
    /// The handover command in the O-RAN SC TS xApp's shape, <c>{"command":"HandOff","ue","fromCell","toCell","reason","cs","timestamp"}</c>;
    /// null when no handover is ordered.
    /// </summary>
    public JsonObject? ToHandOffCommand() => HandOver
        ? new JsonObject
        {
            ["command"] = "HandOff",
            ["ue"] = UeId,
            ["fromCell"] = FromCell,
            ["toCell"] = ToCell,
            ["reason"] = Reason,
            ["cs"] = Cs,
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
        return new JsonObject
        {
            ["ue"] = UeId,
            ["handOver"] = HandOver,
            ["fromCell"] = FromCell,
            ["toCell"] = ToCell,
            ["bestNeighbour"] = BestNeighbour,
            ["reason"] = Reason,
            ["cs"] = double.IsFinite(Cs) ? Cs : null,
            ["serving"] = Cell(Serving),
            ["neighbours"] = nbs,
            ["timestamp"] = Timestamp,
        };
    }
}
