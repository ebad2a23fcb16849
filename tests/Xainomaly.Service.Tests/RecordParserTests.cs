using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Xainomaly.Data;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>
/// The one-pass record parser against the reference path (the library reader and a table): the same records, ids,
/// times, cells and KPIs on every report of ue.json.gz and on flat rows, and the same outcome and rejection wording on
/// malformed variants; the fast time parser against <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>.
/// </summary>
public sealed class RecordParserTests
{
    private static readonly Lazy<List<byte[]>> UeLines = new(ReadUeLines);
    private static readonly Lazy<KpiTable> ValidCsv = new(() => KpiTableReader.Read(SharedData("valid.csv")));

    [Fact]
    public void Every_report_of_ue_json_gz_parses_in_one_pass_to_what_the_library_reader_gives()
    {
        var lines = UeLines.Value;
        // The library reader over the whole file: one row per UE record, in file order.
        var table = UeReportJsonReader.Read(SharedData("ue.json.gz"));
        var ue = table[UeSchema.UeId].Texts!;
        var cell = table[UeSchema.ServingCell].Texts!;
        var du = table[UeSchema.DuId].Texts!;
        var time = table[UeSchema.Timestamp].Texts!;
        int row = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            var fast = new List<ParsedRecord>();
            Assert.True(FastRecordParser.TryParse(lines[i], report: true, i, fast, FastRecordParser.Pass.Compact), $"line {i + 1} is not in the exact wire format");
            var general = new List<ParsedRecord>();
            Assert.True(FastRecordParser.TryParse(lines[i], report: true, i, general, FastRecordParser.Pass.Reader), $"line {i + 1} fell back");
            var reference = RecordParser.ParseWithReader(lines[i], i, out var reason, out _);
            Assert.True(reference is not null, reason);
            AssertSame(reference!, fast);
            AssertSame(reference!, general);
            foreach (var r in fast)
            {
                Assert.Equal(ue[row], r.UeId);
                Assert.Equal(cell[row], r.CellId);
                Assert.Equal(du[row], r.DuId);
                Assert.Equal(time[row], r.TimeText);
                Assert.Equal(Reference.Time(time[row]), r.Timestamp);
                Assert.Equal(Reference.Id(ue[row], r.Timestamp), r.Id);
                for (int k = 0; k < UeSchema.NeighbourCount; k++) Assert.Equal(table[$"nbCellIdentity_{k}"].Texts![row], r.NeighbourCells[k]);
                for (int c = 0; c < KpiView.Names.Length; c++) Assert.Equal(table[KpiView.Names[c]].Numbers![row], r.Kpis.Values[c]);
                row++;
            }
        }
        Assert.Equal(table.RowCount, row);
    }

    [Fact]
    public void Flat_rows_in_both_namings_parse_in_one_pass_to_what_the_reference_path_gives()
    {
        var table = ValidCsv.Value;
        for (int row = 0; row < table.RowCount; row += 37)
        {
            // Upstream names on odd rows; the label is allowed in a flat row and ignored.
            var json = FlatRow(table, row, upstreamNames: row % 2 == 1);
            var fast = new List<ParsedRecord>();
            Assert.True(FastRecordParser.TryParse(json, report: false, row, fast), Encoding.UTF8.GetString(json));
            var reference = RecordParser.ParseWithReader(json, row, out var reason, out _);
            Assert.True(reference is not null, reason);
            AssertSame(reference!, fast);
            Assert.Equal(table["rsrp"].Numbers![row], fast[0].Kpis["rsrp"]);
        }
    }

    [Fact]
    public void Malformed_and_unusual_variants_get_the_reference_paths_outcome_and_wording()
    {
        var lines = UeLines.Value;
        var rng = new Random(7);
        var flat = FlatRow(ValidCsv.Value, 0, upstreamNames: false);
        var edits = StructuredEdits();
        int fellBack = 0, checkedCount = 0;
        for (int n = 0; n < 3000; n++)
        {
            var baseText = n % 5 == 0 ? Encoding.UTF8.GetString(flat) : Encoding.UTF8.GetString(lines[rng.Next(lines.Count)]);
            string variant = n < edits.Count * 4
                ? edits[n % edits.Count](baseText)
                : RandomEdit(baseText, rng);
            var bytes = Encoding.UTF8.GetBytes(variant);
            var expected = RecordParser.ParseWithReader(bytes, 3, out var expectedReason, out var expectedKind);
            var actual = RecordParser.Parse(bytes, 3, out var reason, out var kind);
            Assert.True(expectedReason == reason, $"variant: {variant}\nexpected: {expectedReason}\nactual: {reason}");
            Assert.Equal(expectedKind, kind);
            Assert.Equal(expected is null, actual is null);
            if (expected is not null) AssertSame(expected, actual!);
            // Each pass alone accepts only what the reference path accepts, with the same records.
            var trimmed = bytes.AsSpan().Trim(" \t\r\n"u8);
            bool report = variant.Contains("\"ueMeasReport\"", StringComparison.Ordinal);
            foreach (var pass in new[] { FastRecordParser.Pass.Compact, FastRecordParser.Pass.Reader })
            {
                var one = new List<ParsedRecord>();
                if (trimmed.IsEmpty || trimmed[0] != '{' || !FastRecordParser.TryParse(trimmed, report, 3, one, pass)) continue;
                Assert.True(expected is not null, $"{pass} accepted what the reference path rejects: {variant}");
                AssertSame(expected!, one);
            }
            if (!FastRecordParser.TryParse(trimmed, report, 3, []))
                fellBack++;
            checkedCount++;
        }
        // Most random edits break the record, so most variants take the reference path; some stay valid.
        Assert.InRange(fellBack, checkedCount / 3, checkedCount - 1);
    }

    [Fact]
    public void Common_iso_times_parse_as_DateTimeOffset_TryParse_does_and_the_rest_falls_back()
    {
        var rng = new Random(11);
        string[] zones = ["", "Z", "+02:00", "-05:30", "+00:00", "+13:59", "-13:00", "+14:00", "-14:00", "+0200", "z", "+2:00"];
        for (int n = 0; n < 20_000; n++)
        {
            int year = n % 50 == 0 ? rng.Next(1, 10_000) : rng.Next(1990, 2040);
            int month = rng.Next(0, 14), day = rng.Next(0, 33), hour = rng.Next(0, 26), minute = rng.Next(0, 61), second = rng.Next(0, 61);
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}{(n % 97 == 0 ? ' ' : 'T')}{hour:D2}:{minute:D2}:{second:D2}");
            int digits = rng.Next(-1, 10);
            if (digits >= 0)
            {
                sb.Append('.');
                for (int k = 0; k < digits; k++) sb.Append((char)('0' + rng.Next(10)));
            }
            sb.Append(zones[rng.Next(zones.Length)]);
            var text = sb.ToString();
            bool expected = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var want);
            Assert.Equal(expected, RecordParser.TryParseTime(text, out var got));
            if (!expected) continue;
            Assert.Equal(want.UtcTicks, got.UtcTicks);
            Assert.Equal(want.Offset, got.Offset);
            if (IsoTime.TryParseCommon(Encoding.ASCII.GetBytes(text), out var common))
            {
                Assert.Equal(want.UtcTicks, common.UtcTicks);
                Assert.Equal(TimeSpan.Zero, common.Offset);
            }
        }
        Assert.True(IsoTime.TryParseCommon("2021-06-25T11:42:33.685"u8, out var t));
        Assert.Equal(new DateTimeOffset(2021, 6, 25, 11, 42, 33, 685, TimeSpan.Zero), t);
        Assert.True(IsoTime.TryParseCommon("2021-06-25T11:42:33.685+02:00"u8, out t));
        Assert.Equal(new DateTimeOffset(2021, 6, 25, 9, 42, 33, 685, TimeSpan.Zero), t);
        Assert.False(IsoTime.TryParseCommon("2021-06-25 11:42:33"u8, out _));
        Assert.False(RecordParser.TryParseTime("yesterday", out _));
    }

    [Fact]
    public void Record_ids_follow_the_scheme_for_any_identifier_and_sort_by_measurement_time()
    {
        var ts = new DateTimeOffset(2021, 6, 25, 11, 42, 33, 685, TimeSpan.Zero);
        string[] ids = ["Car-1", "Waiting passenger 10", "", "ü-Ωmega", "\ud83d\ude97 car", "lone \ud800 surrogate", new string('x', 300), new string('é', 200)];
        foreach (var id in ids)
        {
            Assert.Equal(Reference.Id(id, ts), RecordParser.RecordId(id, ts));
            Assert.Equal(Reference.Id(id, ts.AddTicks(7)), RecordParser.RecordId(id, ts.AddTicks(7)));
        }
        // A known value, so a change of the scheme (ids are stored) cannot go unnoticed.
        Assert.Equal(637602181536850000, ts.UtcTicks);
        Assert.Equal("08d937ce5284a050c1e008281d92", RecordParser.RecordId("Car-1", ts));
        // Ordinal order is time order, whatever the UEs; UEs of one instant get different ids.
        var times = new[] { ts.AddYears(-40), ts.AddTicks(-1), ts, ts.AddTicks(1), ts.AddMilliseconds(5), ts.AddYears(30) };
        for (int i = 1; i < times.Length; i++)
        {
            foreach (var a in ids)
            {
                foreach (var b in ids)
                    Assert.True(string.CompareOrdinal(RecordParser.RecordId(a, times[i - 1]), RecordParser.RecordId(b, times[i])) < 0);
            }
        }
        Assert.Equal(ids.Length, ids.Select(id => RecordParser.RecordId(id, ts)).Distinct().Count());
    }

    [Fact]
    public void The_KPI_view_is_a_read_only_dictionary_in_canonical_order()
    {
        var values = new double[KpiView.Names.Length];
        for (int i = 0; i < values.Length; i++) values[i] = i * 1.5;
        IReadOnlyDictionary<string, double> view = new KpiView(values);
        Assert.Equal(UeSchema.NumericColumns, view.Keys);
        Assert.Equal(values, view.Values);
        Assert.Equal(values.Length, view.Count);
        Assert.Equal(UeSchema.NumericColumns, view.Select(p => p.Key));
        Assert.Equal(values[UeSchema.NumericIndex("rssinr_nb4")], view["rssinr_nb4"]);
        Assert.True(view.TryGetValue("throughput", out var tput));
        Assert.Equal(values[2], tput);
        Assert.False(view.TryGetValue("ue-id", out _));
        Assert.False(view.ContainsKey("RF.serving.RSRP"));
        Assert.Throws<KeyNotFoundException>(() => view["nope"]);
        Assert.Throws<ArgumentException>(() => new KpiView(new double[3]));
    }

    private static void AssertSame(List<ParsedRecord> expected, List<ParsedRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Index, a.Index);
            Assert.Equal(e.Id, a.Id);
            Assert.Equal(e.UeId, a.UeId);
            Assert.Equal(e.DuId, a.DuId);
            Assert.Equal(e.CellId, a.CellId);
            Assert.Equal(e.NeighbourCells, a.NeighbourCells);
            Assert.Equal(e.Timestamp.UtcTicks, a.Timestamp.UtcTicks);
            Assert.Equal(e.Timestamp.Offset, a.Timestamp.Offset);
            Assert.Equal(e.TimeText, a.TimeText);
            Assert.Equal(e.Kpis.Keys, a.Kpis.Keys);
            Assert.Equal(e.Kpis.Values.ToArray(), a.Kpis.Values.ToArray());
        }
    }

    // Edits that keep JSON valid but change the meaning or shape: each must end as the reference path decides.
    private static List<Func<string, string>> StructuredEdits() =>
    [
        s => s.Replace("\"rsrq\":", "\"rsrq_x\":", StringComparison.Ordinal),
        s => ReplaceFirst(s, "\"x\":", "\"x\":\"12\",\"x2\":"),
        s => ReplaceFirst(s, "\"throughput\":", "\"throughput\":1e400,\"t\":"),
        s => ReplaceFirst(s, "\"throughput\":", "\"throughput\":null,\"t\":"),
        s => ReplaceFirst(s, "\"ue-id\":", "\"ue-id\":\"  \",\"u\":"),
        s => ReplaceFirst(s, "\"ue-id\":", "\"ue-id\":12.50,\"u\":"),
        s => ReplaceFirst(s, "\"ue-id\":", "\"ue\\u002did\":"),
        s => ReplaceFirst(s, "\"ue-id\":\"", "\"ue-id\":\"\\u00e9"),
        s => ReplaceFirst(s, "\"ue-id\":\"", "\"ue-id\":\"\u00e9"),
        s => ReplaceFirst(s, "\"measTimeStampRf\":\"", "\"measTimeStampRf\":\"x"),
        s => ReplaceFirst(s, "\"measTimeStampRf\":\"2021-06-25T11:42:33", "\"measTimeStampRf\":\"2021-06-25 11:42:33"),
        s => ReplaceFirst(s, "\"measTimeStampRf\":\"2021-06-25T11:42:33", "\"measTimeStampRf\":\"2021-06-25T11:42:33+02:00\",\"m\":\""),
        s => ReplaceFirst(s, "\"measTimeStampRf\":", "\"measTimeStampRf\":20210625,\"m\":"),
        s => ReplaceFirst(s, "\"du-id\":", "\"du-id\":true,\"d\":"),
        s => ReplaceFirst(s, "\"du-id\":", "\"du-id\":\"DU-7\",\"du-id\":"),
        s => ReplaceFirst(s, "\"ueMeasReportList\":[", "\"ueMeasReportList\":[],\"l\":["),
        s => ReplaceFirst(s, "\"ueMeasReportList\":", "\"ueMeasReportList\":{},\"l\":"),
        s => ReplaceFirst(s, "\"neighbourCellList\":[", "\"neighbourCellList\":[{\"nbCellIdentity\":\"c9\",\"nbCellRfReport\":{\"rsrp\":1,\"rsrq\":2,\"rssinr\":3}},"),
        s => ReplaceFirst(s, "\"neighbourCellList\":[", "\"neighbourCellList\":[7,"),
        s => ReplaceFirst(s, "{\"nbCellIdentity\"", "{\"extra\":[1,{\"a\":2}],\"nbCellIdentity\""),
        s => ReplaceFirst(s, "\"nbCellRfReport\":{", "\"nbCellRfReport\":{\"rsrp\":-1,"),
        s => ReplaceFirst(s, "\"targetTput\":", "\"Anomaly\":1,\"targetTput\":"),
        s => s.Replace("\"targetTput\":", "\"Anomaly\":true,\"anomaly_kind\":\"drop\",\"targetTput\":", StringComparison.Ordinal),
        s => ReplaceFirst(s, "\"targetTput\":", "\"Anomaly\":2,\"targetTput\":"),
        s => ReplaceFirst(s, "\"targetTput\":", "\"anomaly_kind\":5,\"targetTput\":"),
        s => s + " " + s,
        s => s + " []",
        s => "[" + s + "]",
        s => " \r\n" + s + "\t ",
        s => ReplaceFirst(s, "{", "{\"ueMeasReport\":{},"),
        s => ReplaceFirst(s, "{", "{\"note\":\"\\\"ueMeasReport\\\"\","),
        s => s.Replace("-", "NaN", StringComparison.Ordinal),
        s => s.Replace("\"rsrp\":", "\"RF.serving.RSRP\":", StringComparison.Ordinal),
        s => ReplaceFirst(s, "\"rsrp\":", "\"rsrp\":-80,\"RF.serving.RSRP\":"),
    ];

    private static string ReplaceFirst(string s, string what, string with)
    {
        int at = s.IndexOf(what, StringComparison.Ordinal);
        return at < 0 ? s : string.Concat(s.AsSpan(0, at), with, s.AsSpan(at + what.Length));
    }

    private static string RandomEdit(string s, Random rng)
    {
        const string Alphabet = "{}[],:\"0123456789-.eE tfnaxyZ\\u";
        var sb = new StringBuilder(s);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = rng.Next(sb.Length);
            switch (rng.Next(3))
            {
                case 0:
                    sb.Remove(at, Math.Min(sb.Length - at, rng.Next(1, 6)));
                    break;
                case 1:
                    sb.Insert(at, Alphabet[rng.Next(Alphabet.Length)]);
                    break;
                default:
                    sb[at] = Alphabet[rng.Next(Alphabet.Length)];
                    break;
            }
        }
        return sb.ToString();
    }

    private static byte[] FlatRow(KpiTable table, int row, bool upstreamNames)
    {
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, canonical) in UeSchema.Aliases) rename[canonical] = alias;
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var c in table.Columns)
        {
            var name = upstreamNames && rename.TryGetValue(c.Name, out var alias) ? alias : c.Name;
            d[name] = c.IsNumeric ? c.Numbers![row] : c.Texts![row];
        }
        return JsonSerializer.SerializeToUtf8Bytes(d);
    }

    private static List<byte[]> ReadUeLines()
    {
        var lines = new List<byte[]>();
        using var gz = new GZipStream(File.OpenRead(SharedData("ue.json.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        while (reader.ReadLine() is { } line) if (line.Length > 0) lines.Add(Encoding.UTF8.GetBytes(line));
        return lines;
    }

    private static string SharedData(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Repository root (Xainomaly.slnx) not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", file));
    }

    // The definitions the service started with, written the plain way.
    private static class Reference
    {
        public static string Id(string ueId, DateTimeOffset timestamp)
        {
            var text = ueId + "|" + timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture);
            return timestamp.UtcTicks.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..6]);
        }

        public static DateTimeOffset Time(string text) =>
            DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
