using System.Buffers;
using System.Globalization;
using System.Text;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Influx;

/// <summary>
/// InfluxDB 1.x line protocol: <c>measurement,tag=v field=v timestamp</c>, with the escaping rules of the format —
/// measurement: comma and space; tag keys, tag values and field keys: comma, equals sign and space; string field
/// values: double quote and backslash. Newlines cannot be escaped anywhere, so they become spaces.
/// </summary>
public static class LineProtocol
{
    private static readonly SearchValues<char> KeySpecials = SearchValues.Create(",= \n\r\t");

    /// <summary>The measurement the detector's results go to (as in the O-RAN SC AD xApp).</summary>
    public const string Measurement = "AD";

    /// <summary>Appends one record as a line of measurement <see cref="Measurement"/>, timestamp in milliseconds.</summary>
    /// <remarks>
    /// UE, cell and DU are tags (the series key), so a record written again with the same (ue-id, timestamp)
    /// overwrites the same point: writes are idempotent. Non-finite numbers are left out (the format has no NaN).
    /// </remarks>
    public static void AppendRecord(StringBuilder sb, ScoredRecord record)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(record);
        AppendMeasurement(sb, Measurement);
        // Tags sorted by key, as InfluxDB recommends for its series index.
        AppendTag(sb, "cell", record.CellId);
        AppendTag(sb, "du", record.DuId);
        AppendTag(sb, "ue", record.UeId);
        sb.Append(' ');
        bool first = true;
        foreach (var (name, value) in record.Kpis) AppendField(sb, ref first, name, value);
        AppendField(sb, ref first, "score", record.Score);
        AppendField(sb, ref first, "threshold", record.Threshold);
        AppendField(sb, ref first, "anomalous", record.Anomalous);
        AppendField(sb, ref first, "cs", record.ConfidenceScore);
        AppendField(sb, ref first, "em", record.ErrorMetric);
        if (record.Degradation is not null) AppendField(sb, ref first, "degradation", record.Degradation);
        for (int i = 0; i < record.TopFeatures.Count; i++)
        {
            var f = record.TopFeatures[i];
            string n = (i + 1).ToString(CultureInfo.InvariantCulture);
            AppendField(sb, ref first, "top" + n + "_feature", f.Feature);
            AppendField(sb, ref first, "top" + n + "_phi", f.Phi);
        }
        AppendField(sb, ref first, "id", record.Id);
        sb.Append(' ').Append(record.Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Appends a measurement name, escaping commas and spaces.</summary>
    public static void AppendMeasurement(StringBuilder sb, string name)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(name);
        foreach (char c in name)
        {
            if (c is ',' or ' ') sb.Append('\\');
            sb.Append(c is '\n' or '\r' ? ' ' : c);
        }
    }

    /// <summary>Appends a tag key, a tag value or a field key, escaping commas, equals signs and spaces.</summary>
    public static void AppendKey(StringBuilder sb, string key)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(key);
        // Most keys (KPI names, UE ids) need no escaping: append them whole.
        if (!key.AsSpan().ContainsAny(KeySpecials))
        {
            sb.Append(key);
            return;
        }
        foreach (char c in key)
        {
            char d = c is '\n' or '\r' or '\t' ? ' ' : c;
            if (d is ',' or '=' or ' ') sb.Append('\\');
            sb.Append(d);
        }
    }

    /// <summary>Appends a string field value in double quotes, escaping double quotes and backslashes.</summary>
    public static void AppendStringValue(StringBuilder sb, string value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(value);
        sb.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c is '\n' or '\r' ? ' ' : c);
        }
        sb.Append('"');
    }

    // An empty tag value is invalid in the format: such a tag is left out.
    private static void AppendTag(StringBuilder sb, string key, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        sb.Append(',');
        AppendKey(sb, key);
        sb.Append('=');
        AppendKey(sb, value);
    }

    private static void AppendField(StringBuilder sb, ref bool first, string key, double? value)
    {
        if (value is not { } v || !double.IsFinite(v)) return;
        Separator(sb, ref first);
        AppendKey(sb, key);
        // Shortest round-trip form ("R"), formatted into the builder without a string per number.
        sb.Append('=').Append(CultureInfo.InvariantCulture, $"{v:R}");
    }

    private static void AppendField(StringBuilder sb, ref bool first, string key, bool value)
    {
        Separator(sb, ref first);
        AppendKey(sb, key);
        sb.Append('=').Append(value ? "true" : "false");
    }

    private static void AppendField(StringBuilder sb, ref bool first, string key, string value)
    {
        Separator(sb, ref first);
        AppendKey(sb, key);
        sb.Append('=');
        AppendStringValue(sb, value);
    }

    private static void Separator(StringBuilder sb, ref bool first)
    {
        if (!first) sb.Append(',');
        first = false;
    }
}
