using System.Buffers;
using System.Buffers.Text;
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

    /// <summary>
    /// Parses one record; returns the UE records it holds or sets <paramref name="reason"/> and <paramref name="kind"/>.
    /// Well-formed records of the usual shapes take one pass straight to values (<see cref="FastRecordParser"/>);
    /// anything else, including every defect, goes through the library reader (<see cref="ParseWithReader"/>), which
    /// defines the rules and words the rejections.
    /// </summary>
    public static List<ParsedRecord>? Parse(ReadOnlySpan<byte> json, int index, out string? reason, out string? kind)
    {
        var trimmed = json.Trim(" \t\r\n"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'{')
        {
            var records = new List<ParsedRecord>(4);
            if (FastRecordParser.TryParse(trimmed, IsReport(trimmed), index, records))
            {
                reason = null;
                kind = null;
                return records;
            }
        }
        return ParseWithReader(json, index, out reason, out kind);
    }

    /// <summary>Parses one record through the library reader into a table, then checks its rows: the reference path.</summary>
    public static List<ParsedRecord>? ParseWithReader(ReadOnlySpan<byte> json, int index, out string? reason, out string? kind)
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
        bool report = IsReport(trimmed);
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
        return Build(table, index, out reason, out kind);
    }

    // The record is a UE report object when it names the field anywhere; otherwise it is a flat row.
    private static bool IsReport(ReadOnlySpan<byte> trimmed) => trimmed.IndexOf("\"ueMeasReport\""u8) >= 0;

    private static List<ParsedRecord>? Build(KpiTable table, int index, out string? reason, out string? kind)
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
        var numeric = new double[KpiView.Names.Length][];
        for (int c = 0; c < numeric.Length; c++) numeric[c] = table[KpiView.Names[c]].Numbers!;
        var records = new List<ParsedRecord>(table.RowCount);
        for (int r = 0; r < table.RowCount; r++)
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
            var values = new double[numeric.Length];
            for (int c = 0; c < values.Length; c++) values[c] = numeric[c][r];
            records.Add(new ParsedRecord
            {
                Index = index,
                Id = RecordId(ue[r], ts),
                UeId = ue[r],
                DuId = du[r],
                CellId = cell[r],
                NeighbourCells = Neighbours(neighbourCells, r),
                Timestamp = ts,
                TimeText = time[r],
                Kpis = new KpiView(values),
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
    /// <remarks>
    /// 28 lower-case hex digits: the measurement time's UTC ticks (16 digits, so ids sort by measurement time), then the
    /// first 6 bytes of SHA-256 over the UTF-8 of <c>ue-id + "|" + UtcTicks</c> (the UEs of one instant). Time-ordered
    /// because the store's unique index on the id then grows at its end: with ids in hash order, each record of a batch
    /// landed on a page of its own anywhere in the index, and those pages made over a third of the store's writes at
    /// 5,000 records/s. Built on the stack, so the id string is the only allocation.
    /// </remarks>
    public static string RecordId(string ueId, DateTimeOffset timestamp)
    {
        int max = Encoding.UTF8.GetMaxByteCount(ueId.Length) + 21;
        byte[]? rented = max > 256 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> text = rented ?? stackalloc byte[256];
        try
        {
            long ticks = timestamp.UtcTicks;
            int n = Encoding.UTF8.GetBytes(ueId, text);
            text[n++] = (byte)'|';
            Utf8Formatter.TryFormat(ticks, text[n..], out int written);
            n += written;
            Span<byte> id = stackalloc byte[8 + IdHashBytes];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(id, ticks);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(text[..n], hash);
            hash[..IdHashBytes].CopyTo(id[8..]);
            return Convert.ToHexStringLower(id);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Bytes of the hash in a record id: the UEs reporting at one instant differ there.
    private const int IdHashBytes = 6;

    /// <summary>Parses a measurement time: ISO 8601, UTC unless an offset is given.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) => IsoTime.TryParse(text, out time);

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
