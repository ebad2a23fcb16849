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

    /// <summary>The RF measurements a UE report carries per neighbour cell.</summary>
    internal static readonly string[] NeighbourKpis = ["rsrp", "rsrq", "rssinr"];

    // Property names encoded once; the neighbour KPI keys (rsrp_nb0 …) of the usual neighbour counts too.
    private static readonly JsonEncodedText UeId = JsonEncodedText.Encode("ue-id");
    private static readonly JsonEncodedText DuId = JsonEncodedText.Encode("du-id");
    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("measTimeStampRf");
    private static readonly JsonEncodedText Degradation = JsonEncodedText.Encode("Degradation");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText Threshold = JsonEncodedText.Encode("threshold");
    private static readonly JsonEncodedText Cs = JsonEncodedText.Encode("cs");
    private static readonly JsonEncodedText Em = JsonEncodedText.Encode("em");
    private static readonly JsonEncodedText TopFeatures = JsonEncodedText.Encode("top_features");
    private static readonly JsonEncodedText Feature = JsonEncodedText.Encode("feature");
    private static readonly JsonEncodedText Phi = JsonEncodedText.Encode("phi");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Cell = JsonEncodedText.Encode("cell");
    private static readonly JsonEncodedText Kpis = JsonEncodedText.Encode("kpis");
    private static readonly JsonEncodedText Neighbours = JsonEncodedText.Encode("neighbours");
    private static readonly JsonEncodedText[] NeighbourKpiNames = [JsonEncodedText.Encode("rsrp"), JsonEncodedText.Encode("rsrq"), JsonEncodedText.Encode("rssinr")];
    private static readonly string[][] NeighbourKeys = BuildNeighbourKeys(16);

    /// <summary>Writes one record's payload as UTF-8 JSON.</summary>
    public static byte[] Write(ScoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, record, null);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes one record's payload with <paramref name="w"/> (the same bytes as <see cref="Write(ScoredRecord)"/>);
    /// <paramref name="kpiNames"/>, when given, caches the encoded KPI names across records of one writer.
    /// </summary>
    internal static void Write(Utf8JsonWriter w, ScoredRecord record, JsonNameCache? kpiNames)
    {
        w.WriteStartObject();
        w.WriteString(UeId, record.UeId);
        if (record.DuId is null) w.WriteNull(DuId);
        else if (long.TryParse(record.DuId, NumberStyles.Integer, CultureInfo.InvariantCulture, out long du)) w.WriteNumber(DuId, du);
        else w.WriteString(DuId, record.DuId);
        Span<char> time = stackalloc char[32];
        if (record.Timestamp.UtcDateTime.TryFormat(time, out int length, TimeFormat, CultureInfo.InvariantCulture)) w.WriteString(Time, time[..length]);
        else w.WriteString(Time, record.Timestamp.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        w.WriteString(Degradation, record.Degradation ?? "");
        WriteNumber(w, Score, record.Score);
        WriteNumber(w, Threshold, record.Threshold);
        WriteNumber(w, Cs, record.ConfidenceScore);
        WriteNumber(w, Em, record.ErrorMetric);
        w.WriteStartArray(TopFeatures);
        var top = record.TopFeatures;
        for (int i = 0; i < top.Count; i++)
        {
            var f = top[i];
            w.WriteStartObject();
            w.WriteString(Feature, f.Feature);
            WriteNumber(w, Phi, f.Phi);
            WriteNumber(w, Value, f.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString(Id, record.Id);
        if (record.CellId is null) w.WriteNull(Cell);
        else w.WriteString(Cell, record.CellId);
        w.WritePropertyName(Kpis);
        WriteKpis(w, record.Kpis, kpiNames);
        w.WriteStartArray(Neighbours);
        for (int i = 0; i < record.NeighbourCells.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString(Cell, record.NeighbourCells[i]);
            for (int k = 0; k < NeighbourKpis.Length; k++)
            {
                var key = i < NeighbourKeys.Length ? NeighbourKeys[i][k] : NeighbourKpis[k] + "_nb" + i.ToString(CultureInfo.InvariantCulture);
                if (record.Kpis.TryGetValue(key, out double v)) WriteNumber(w, NeighbourKpiNames[k], v);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteKpis(Utf8JsonWriter w, IReadOnlyDictionary<string, double> kpis, JsonNameCache? names)
    {
        w.WriteStartObject();
        int i = 0;
        foreach (var (name, value) in kpis)
        {
            if (names is null) WriteNumber(w, name, value);
            else WriteNumber(w, names.Get(i++, name), value);
        }
        w.WriteEndObject();
    }

    private static string[][] BuildNeighbourKeys(int count)
    {
        var keys = new string[count][];
        for (int i = 0; i < count; i++)
        {
            keys[i] = new string[NeighbourKpis.Length];
            for (int k = 0; k < NeighbourKpis.Length; k++) keys[i][k] = NeighbourKpis[k] + "_nb" + i.ToString(CultureInfo.InvariantCulture);
        }
        return keys;
    }

    // JSON has no NaN: a non-finite value is written as null rather than failing the whole message.
    private static void WriteNumber(Utf8JsonWriter w, JsonEncodedText name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }
}
