using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Xainomaly.Service.Pipeline;

/// <summary>The JSON shapes of a scored record: the API's record object and the store's KPI and explanation columns.</summary>
public static class RecordJson
{
    /// <summary>Writes the API's record object (the shape of <c>/v1/anomalies</c> items and <c>/v1/explanations/{id}</c>).</summary>
    public static void Write(Utf8JsonWriter w, ScoredRecord r, bool withKpis = true)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(r);
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("ue-id", r.UeId);
        if (r.DuId is not null) w.WriteString("du-id", r.DuId);
        if (r.CellId is not null) w.WriteString("cell", r.CellId);
        w.WriteString("measTimeStampRf", r.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        w.WriteString("receivedAt", r.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        w.WriteNumber("score", r.Score);
        w.WriteNumber("threshold", r.Threshold);
        w.WriteBoolean("anomalous", r.Anomalous);
        if (r.Degradation is null) w.WriteNull("degradation");
        else w.WriteString("degradation", r.Degradation);
        WriteExplanationBody(w, r);
        if (withKpis)
        {
            w.WriteStartObject("kpis");
            foreach (var (k, v) in r.Kpis) w.WriteNumber(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The explanation as the store keeps it: base value, CS, EM, efficiency gap and top features; null without one.</summary>
    public static string? ExplanationToJson(ScoredRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.TopFeatures.Count == 0 && r.ConfidenceScore is null) return null;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteExplanationBody(w, r);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes KPIs as a JSON object.</summary>
    public static void WriteKpis(Utf8JsonWriter w, IReadOnlyDictionary<string, double> kpis)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(kpis);
        w.WriteStartObject();
        foreach (var (k, v) in kpis) w.WriteNumber(k, v);
        w.WriteEndObject();
    }

    // The store's and the payload's KPI object: the same bytes as WriteKpis, with the names encoded once per position.
    internal static void WriteKpis(Utf8JsonWriter w, IReadOnlyDictionary<string, double> kpis, JsonNameCache names)
    {
        w.WriteStartObject();
        int i = 0;
        if (kpis is Dictionary<string, double> d)
        {
            // The concrete enumerator avoids a boxed one per record.
            foreach (var (k, v) in d) w.WriteNumber(names.Get(i++, k), v);
        }
        else
        {
            foreach (var (k, v) in kpis) w.WriteNumber(names.Get(i++, k), v);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes the explanation object the store keeps (see <see cref="ExplanationToJson"/>).</summary>
    public static void WriteExplanation(Utf8JsonWriter w, ScoredRecord r)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(r);
        w.WriteStartObject();
        WriteExplanationBody(w, r);
        w.WriteEndObject();
    }

    /// <summary>KPIs as a JSON object.</summary>
    public static string KpisToJson(IReadOnlyDictionary<string, double> kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in kpis) w.WriteNumber(k, v);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <see cref="KpisToJson"/>'s output.</summary>
    public static Dictionary<string, double> KpisFromJson(string json)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject()) d[p.Name] = p.Value.GetDouble();
        return d;
    }

    /// <summary>Fills the explanation fields of <paramref name="r"/> from <see cref="ExplanationToJson"/>'s output.</summary>
    public static ScoredRecord WithExplanation(ScoredRecord r, string? json)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (json is null) return r;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var top = new List<FeatureContribution>();
        if (root.TryGetProperty("topFeatures", out var arr))
        {
            foreach (var f in arr.EnumerateArray())
            {
                double? value = f.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
                top.Add(new FeatureContribution(f.GetProperty("feature").GetString()!, f.GetProperty("phi").GetDouble(), value));
            }
        }
        return r with
        {
            TopFeatures = top,
            BaseValue = Optional(root, "baseValue"),
            ConfidenceScore = Optional(root, "cs"),
            ErrorMetric = Optional(root, "em"),
            EfficiencyGap = Optional(root, "efficiencyGap"),
        };
    }

    private static double? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static void WriteExplanationBody(Utf8JsonWriter w, ScoredRecord r)
    {
        WriteOptional(w, "baseValue", r.BaseValue);
        WriteOptional(w, "cs", r.ConfidenceScore);
        WriteOptional(w, "em", r.ErrorMetric);
        WriteOptional(w, "efficiencyGap", r.EfficiencyGap);
        w.WriteStartArray("topFeatures");
        foreach (var f in r.TopFeatures)
        {
            w.WriteStartObject();
            w.WriteString("feature", f.Feature);
            w.WriteNumber("phi", f.Phi);
            if (f.Value is { } v) w.WriteNumber("value", v);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
