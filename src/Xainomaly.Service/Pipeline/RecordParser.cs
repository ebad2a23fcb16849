using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Xainomaly.Data;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Turns one incoming JSON record into checked UE records, or a rejection naming the field and the problem.
/// </summary>
/// <remarks>
/// Choices: a UE report object (<c>{"ueMeasReport":…}</c>) follows the O-RAN SC wire format, where unknown fields are
/// ignored (the format grows); a flat row is strict — every key must be a CSV column name in either naming, so a
/// misspelt KPI is reported rather than silently missing. Every KPI must be a finite number, identifiers strings or
/// numbers, <c>measTimeStampRf</c> an ISO 8601 time (UTC when it names no offset). Any UE id is accepted: per-record
/// detectors do not depend on the UE, and a new UE simply starts a new history.
/// </remarks>
internal static class RecordParser
{
    /// <summary>Rejection reasons, the label values of the rejects counter (the last three are whole HTTP bodies).</summary>
    public static readonly string[] ReasonKinds =
        ["malformed_json", "non_finite", "missing_field", "wrong_type", "unknown_field", "bad_timestamp", "bad_value", "empty", "not_json", "body_too_large", "unsupported_media_type"];

    private static readonly HashSet<string> FlatNames = BuildFlatNames();

    /// <summary>Parses one record; returns the UE records it holds or sets <paramref name="reason"/> and <paramref name="kind"/>.</summary>
    public static List<ParsedRecord>? Parse(ReadOnlySpan<byte> json, int index, out string? reason, out string? kind)
    {
        reason = null;
        kind = null;
        var trimmed = json.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            (reason, kind) = ("the record is empty (expected a UE report or a flat UE row object)", "empty");
            return null;
        }
        if (trimmed[0] != (byte)'{')
        {
            bool value = trimmed[0] is (byte)'[' or (byte)'"' or (byte)'-' or (byte)'t' or (byte)'f' or (byte)'n' || char.IsAsciiDigit((char)trimmed[0]);
            (reason, kind) = ("expected a JSON object (a UE report or a flat UE row)", value ? "wrong_type" : "malformed_json");
            return null;
        }
        bool report = trimmed.IndexOf("\"ueMeasReport\""u8) >= 0;
        KpiTable table;
        try
        {
            table = report ? UeReportJsonReader.ParseReports(trimmed, "record") : UeReportJsonReader.ParseFlatRows(trimmed, "record");
        }
        catch (DataFormatException e)
        {
            (reason, kind) = Describe(e);
            return null;
        }
        if (!report && FindUnknownKey(trimmed) is { } unknown)
        {
            (reason, kind) = ($"{unknown}: unknown field (a flat row takes the CSV column names, e.g. rsrp or RF.serving.RSRP)", "unknown_field");
            return null;
        }
        return Build(table, 0, table.RowCount, index, out reason, out kind);
    }

    /// <summary>
    /// Parses a whole batch in one pass when every record is well-formed (the common case): one table for all, no
    /// per-record parser set-up. Returns null when anything is off; the caller then parses record by record to find
    /// which ones to reject and why.
    /// </summary>
    public static List<ParsedRecord>?[]? TryParseBatch(IReadOnlyList<IncomingReport> reports)
    {
        if (reports.Count < 2) return null;
        int total = 0;
        bool? report = null;
        var counts = new int[reports.Count];
        for (int i = 0; i < reports.Count; i++)
        {
            var t = reports[i].Json.Span.Trim(" \t\r\n"u8);
            if (t.IsEmpty || t[0] != (byte)'{') return null;
            bool isReport = t.IndexOf("\"ueMeasReport\""u8) >= 0;
            if (report is { } r && r != isReport) return null;
            report = isReport;
            total += t.Length + 1;
        }
        var buffer = new byte[total];
        int at = 0;
        for (int i = 0; i < reports.Count; i++)
        {
            var t = reports[i].Json.Span.Trim(" \t\r\n"u8);
            try
            {
                counts[i] = report!.Value ? CountUeRecords(t) : FindUnknownKey(t) is null ? 1 : -1;
            }
            catch (JsonException)
            {
                return null;
            }
            if (counts[i] < 0) return null;
            t.CopyTo(buffer.AsSpan(at));
            at += t.Length;
            buffer[at++] = (byte)'\n';
        }
        KpiTable table;
        try
        {
            table = report!.Value ? UeReportJsonReader.ParseReports(buffer, "batch") : UeReportJsonReader.ParseFlatRows(buffer, "batch");
        }
        catch (DataFormatException)
        {
            return null;
        }
        int rows = 0;
        foreach (int c in counts) rows += c;
        if (rows != table.RowCount) return null;
        var result = new List<ParsedRecord>?[reports.Count];
        int first = 0;
        for (int i = 0; i < reports.Count; i++)
        {
            result[i] = Build(table, first, counts[i], i, out _, out _);
            if (result[i] is null) return null;
            first += counts[i];
        }
        return result;
    }

    // UE records in one report object: the length of ueMeasReport.ueMeasReportList, without parsing the values.
    private static int CountUeRecords(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        int n = -1;
        while (r.Read())
        {
            if (r.TokenType == JsonTokenType.PropertyName && r.CurrentDepth == 2 && r.ValueTextEquals("ueMeasReportList"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartArray) return -1;
                n = 0;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    n++;
                    r.Skip();
                }
            }
        }
        return n;
    }

    private static List<ParsedRecord>? Build(KpiTable table, int first, int count, int index, out string? reason, out string? kind)
    {
        reason = null;
        kind = null;
        var ue = table[UeSchema.UeId].Texts!;
        var du = table[UeSchema.DuId].Texts!;
        var cell = table[UeSchema.ServingCell].Texts!;
        var time = table[UeSchema.Timestamp].Texts!;
        // Neighbour cell identities: traffic steering names its target cell with them.
        var neighbourCells = new List<string[]>(UeSchema.NeighbourCount);
        for (int k = 0; k < UeSchema.NeighbourCount; k++)
        {
            if (table.TryGetColumn("nbCellIdentity_" + k.ToString(CultureInfo.InvariantCulture), out var nb) && nb.Texts is { } texts) neighbourCells.Add(texts);
        }
        var numeric = new List<KpiColumn>(24);
        foreach (var c in table.Columns) if (c.IsNumeric && c.Role != ColumnRole.Label) numeric.Add(c);
        var records = new List<ParsedRecord>(count);
        for (int r = first; r < first + count; r++)
        {
            if (string.IsNullOrWhiteSpace(ue[r]))
            {
                (reason, kind) = ($"{UeSchema.UeId}: empty UE identifier", "bad_value");
                return null;
            }
            if (!TryParseTime(time[r], out var ts))
            {
                (reason, kind) = ($"{UeSchema.Timestamp}: '{time[r]}' is not a time (expected ISO 8601, e.g. 2021-06-25T11:42:33.685)", "bad_timestamp");
                return null;
            }
            var kpis = new Dictionary<string, double>(numeric.Count, StringComparer.Ordinal);
            foreach (var c in numeric) kpis[c.Name] = c.Numbers![r];
            records.Add(new ParsedRecord
            {
                Index = index,
                Id = RecordId(ue[r], ts),
                UeId = ue[r],
                DuId = du[r],
                CellId = cell[r],
                NeighbourCells = Neighbours(neighbourCells, r),
                Timestamp = ts,
                Kpis = kpis,
                Table = table,
                Row = r,
            });
        }
        return records;
    }

    private static string[] Neighbours(List<string[]> columns, int row)
    {
        if (columns.Count == 0) return [];
        var cells = new string[columns.Count];
        for (int k = 0; k < cells.Length; k++) cells[k] = columns[k][row];
        return cells;
    }

    /// <summary>The stable record id of (ue-id, timestamp): the key of idempotent writes.</summary>
    public static string RecordId(string ueId, DateTimeOffset timestamp)
    {
        Span<byte> hash = stackalloc byte[32];
        var text = ueId + "|" + timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture);
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..12]);
    }

    /// <summary>Parses a measurement time: ISO 8601, UTC unless an offset is given.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static (string Reason, string Kind) Describe(DataFormatException e)
    {
        var problem = e.Problem;
        string kind =
            problem.Contains("NaN or Infinity", StringComparison.Ordinal) || problem.Contains("out of range", StringComparison.Ordinal) ? "non_finite"
            : problem.Contains("malformed JSON", StringComparison.Ordinal) ? "malformed_json"
            : problem.Contains("missing required field", StringComparison.Ordinal) || problem.Contains("are required", StringComparison.Ordinal) || problem.Contains("no UE records", StringComparison.Ordinal) ? "missing_field"
            : problem.Contains("expected a", StringComparison.Ordinal) || problem.Contains("must be", StringComparison.Ordinal) ? "wrong_type"
            : "bad_value";
        return (e.Column is null ? problem : $"{e.Column}: {problem}", kind);
    }

    private static string? FindUnknownKey(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        r.Read();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString()!;
            if (!FlatNames.Contains(name)) return name;
            r.Read();
            r.Skip();
        }
        return null;
    }

    private static HashSet<string> BuildFlatNames()
    {
        var names = new HashSet<string>(UeSchema.Columns, StringComparer.Ordinal) { UeSchema.AnomalyKind };
        foreach (var alias in UeSchema.Aliases.Keys) names.Add(alias);
        return names;
    }
}
