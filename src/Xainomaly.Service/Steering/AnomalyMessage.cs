using System.Globalization;
using System.Text.Json;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Service.Steering;

/// <summary>An anomaly as traffic steering reads it from <c>ran.ad.anomalies</c> (see <see cref="Messaging.AnomalyPayload"/>).</summary>
public sealed record AnomalyMessage
{
    /// <summary>The UE (<c>ue-id</c>).</summary>
    public required string UeId { get; init; }

    /// <summary>The DU (<c>du-id</c>), as text.</summary>
    public string? DuId { get; init; }

    /// <summary>The measurement time as sent (<c>measTimeStampRf</c>).</summary>
    public string? MeasTimeStampRf { get; init; }

    /// <summary>The degradation cause (<c>Degradation</c>).</summary>
    public string? Degradation { get; init; }

    /// <summary>The anomaly score.</summary>
    public double? Score { get; init; }

    /// <summary>fastSHAP-C confidence score of the explanation (lower is better); null without an explainer.</summary>
    public double? Cs { get; init; }

    /// <summary>The serving cell, what the UE measured of it and its load (<c>kpis.prb_usage</c>); null when the message does not carry it.</summary>
    public CellMeasurement? Serving { get; init; }

    /// <summary>The neighbour cells the UE measured (their load is unknown: UE reports carry only the serving cell's).</summary>
    public IReadOnlyList<CellMeasurement> Neighbours { get; init; } = [];

    /// <summary>
    /// What <see cref="TrafficSteeringPolicy.Decide"/> takes: the cells, the CS (NaN when the message has none) and
    /// <paramref name="timestamp"/>, which the handover command carries.
    /// </summary>
    /// <exception cref="DataFormatException">The message has no serving-cell measurements.</exception>
    public SteeringRequest ToRequest(string timestamp)
    {
        var serving = Serving ?? throw new DataFormatException("anomaly message", $"UE {UeId}: no serving-cell measurements, so no cell to compare with (expected 'cell' and kpis.rsrp, kpis.rsrq, kpis.rssinr)");
        return new SteeringRequest(UeId, serving, Neighbours, Cs ?? double.NaN, timestamp);
    }

    /// <summary>Parses a payload; a message that is not JSON or lacks <c>ue-id</c> raises a <see cref="DataFormatException"/> naming the field.</summary>
    public static AnomalyMessage Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new DataFormatException("anomaly message", $"not valid JSON ({e.Message})", inner: e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new DataFormatException("anomaly message", $"expected a JSON object, found {root.ValueKind}");
            string ue = Text(root, "ue-id") ?? throw new DataFormatException("anomaly message", "missing required field", column: "ue-id");
            string? cell = Text(root, "cell");
            CellMeasurement? serving = null;
            if (cell is not null && root.TryGetProperty("kpis", out var kpis) && kpis.ValueKind == JsonValueKind.Object
                && Number(kpis, "rsrp") is { } rsrp && Number(kpis, "rsrq") is { } rsrq && Number(kpis, "rssinr") is { } sinr)
                serving = new CellMeasurement(cell, rsrp, rsrq, sinr, Number(kpis, "prb_usage"));
            var neighbours = new List<CellMeasurement>();
            if (root.TryGetProperty("neighbours", out var nbs) && nbs.ValueKind == JsonValueKind.Array)
            {
                foreach (var nb in nbs.EnumerateArray())
                {
                    if (nb.ValueKind == JsonValueKind.Object && Text(nb, "cell") is { } nbCell
                        && Number(nb, "rsrp") is { } r && Number(nb, "rsrq") is { } q && Number(nb, "rssinr") is { } s)
                        neighbours.Add(new CellMeasurement(nbCell, r, q, s, Number(nb, "prb_usage")));
                }
            }
            return new AnomalyMessage
            {
                UeId = ue,
                DuId = Text(root, "du-id"),
                MeasTimeStampRf = Text(root, "measTimeStampRf"),
                Degradation = Text(root, "Degradation"),
                Score = Number(root, "score"),
                Cs = Number(root, "cs"),
                Serving = serving,
                Neighbours = neighbours,
            };
        }
    }

    private static string? Text(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? null : v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d) ? d
        : e.TryGetProperty(name, out v) && v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d) ? d
        : null;
}
