using System.Buffers;
using System.Globalization;
using System.Text.Json;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// The AD → TS message on <c>ran.ad.anomalies</c>: the O-RAN SC payload (<c>ue-id</c>, <c>du-id</c>,
/// <c>measTimeStampRf</c>, <c>Degradation</c>) extended with the score, the confidence score, the top features, and
/// what traffic steering needs to compare cells (<c>cell</c>, <c>kpis</c>, <c>neighbours</c>).
/// </summary>
public static class AnomalyPayload
{
    /// <summary>The time format of <c>measTimeStampRf</c> in the O-RAN SC files (UTC, milliseconds, no offset).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff";

    /// <summary>Writes one record's payload as UTF-8 JSON.</summary>
    public static byte[] Write(ScoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ue-id", record.UeId);
            if (record.DuId is null) w.WriteNull("du-id");
            else if (long.TryParse(record.DuId, NumberStyles.Integer, CultureInfo.InvariantCulture, out long du)) w.WriteNumber("du-id", du);
            else w.WriteString("du-id", record.DuId);
            w.WriteString("measTimeStampRf", record.Timestamp.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            w.WriteString("Degradation", record.Degradation ?? "");
            WriteNumber(w, "score", record.Score);
            WriteNumber(w, "threshold", record.Threshold);
            WriteNumber(w, "cs", record.ConfidenceScore);
            WriteNumber(w, "em", record.ErrorMetric);
            w.WriteStartArray("top_features");
            foreach (var f in record.TopFeatures)
            {
                w.WriteStartObject();
                w.WriteString("feature", f.Feature);
                WriteNumber(w, "phi", f.Phi);
                WriteNumber(w, "value", f.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("id", record.Id);
            if (record.CellId is null) w.WriteNull("cell");
            else w.WriteString("cell", record.CellId);
            w.WriteStartObject("kpis");
            foreach (var (name, value) in record.Kpis) WriteNumber(w, name, value);
            w.WriteEndObject();
            w.WriteStartArray("neighbours");
            for (int i = 0; i < record.NeighbourCells.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("cell", record.NeighbourCells[i]);
                foreach (var kpi in NeighbourKpis)
                {
                    if (record.Kpis.TryGetValue(kpi + "_nb" + i.ToString(CultureInfo.InvariantCulture), out double v)) WriteNumber(w, kpi, v);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The RF measurements a UE report carries per neighbour cell.</summary>
    internal static readonly string[] NeighbourKpis = ["rsrp", "rsrq", "rssinr"];

    // JSON has no NaN: a non-finite value is written as null rather than failing the whole message.
    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
