using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Xainomaly.Data;

/// <summary>
/// Writes a table in the canonical UE schema as JSON lines in the wire format of the O-RAN SC <c>ue.json.gz</c>:
/// one <c>{"ueMeasReport":{"du-id","measTimeStampRf","ueMeasReportList":[…]}}</c> per (du-id, timestamp) group,
/// groups in order of their first row and UE records in row order. A labelled table adds <c>"Anomaly":0|1</c>
/// and, when present, <c>"anomaly_kind"</c> to each UE record (an extension the reader maps back).
/// </summary>
/// <remarks>
/// Numbers: <c>du-id</c> and <c>prb_usage</c> as integers when integral; the others as shortest round-trip
/// doubles in the style of the reference file (Python's <c>repr</c>: <c>31.0</c>, <c>1e-05</c>).
/// The same table always gives the same bytes.
/// </remarks>
public static class UeReportJsonWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keeps ue-ids like "Train passenger 1" and any '+' or '&' readable; the output is still valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>, gzip-compressed when it ends in <c>.gz</c>.</summary>
    public static void Write(KpiTable table, string path)
    {
        using var stream = OutputFile.Create(path);
        Write(table, stream);
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">A canonical column is missing or a number is not finite; the message names it.</exception>
    public static void Write(KpiTable table, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        var c = new Cols(table);

        // Group rows by (du-id, timestamp) in order of first appearance.
        var groupOf = new Dictionary<(string Du, string Ts), int>();
        var groups = new List<List<int>>();
        for (int r = 0; r < table.RowCount; r++)
        {
            var key = (c.DuId.FormatValue(r), c.Ts.FormatValue(r));
            if (!groupOf.TryGetValue(key, out int g))
            {
                g = groups.Count;
                groupOf.Add(key, g);
                groups.Add([]);
            }
            groups[g].Add(r);
        }

        using var json = new Utf8JsonWriter(stream, WriterOptions);
        Span<char> buf = stackalloc char[64];
        foreach (var rows in groups)
        {
            int first = rows[0];
            json.WriteStartObject();
            json.WriteStartObject("ueMeasReport");
            json.WritePropertyName("du-id");
            WriteIntegerOrNumberOrText(json, c.DuId, first, buf);
            json.WriteString("measTimeStampRf", c.Ts.FormatValue(first));
            json.WriteStartArray("ueMeasReportList");
            foreach (int r in rows)
            {
                json.WriteStartObject();
                json.WriteString("ue-id", c.UeId.FormatValue(r));
                json.WriteString("nrCellIdentity", c.Cell.FormatValue(r));
                WriteDouble(json, "targetTput", c.TargetTput, r, buf);
                json.WriteStartObject("servingCellRfReport");
                WriteDouble(json, "rsrp", c.Rsrp, r, buf);
                WriteDouble(json, "rsrq", c.Rsrq, r, buf);
                WriteDouble(json, "rssinr", c.Rssinr, r, buf);
                json.WriteEndObject();
                json.WriteStartArray("neighbourCellList");
                for (int i = 0; i < UeSchema.NeighbourCount; i++)
                {
                    json.WriteStartObject();
                    json.WriteString("nbCellIdentity", c.NbId[i].FormatValue(r));
                    json.WriteStartObject("nbCellRfReport");
                    WriteDouble(json, "rsrp", c.NbRsrp[i], r, buf);
                    WriteDouble(json, "rsrq", c.NbRsrq[i], r, buf);
                    WriteDouble(json, "rssinr", c.NbRssinr[i], r, buf);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                WriteDouble(json, "throughput", c.Throughput, r, buf);
                json.WritePropertyName("prb_usage");
                WriteIntegerOrNumberOrText(json, c.Prb, r, buf);
                WriteDouble(json, "x", c.X, r, buf);
                WriteDouble(json, "y", c.Y, r, buf);
                if (c.Label is not null)
                {
                    json.WriteNumber(UeSchema.Label, c.Label.Numbers![r] != 0 ? 1 : 0);
                    if (c.Kind is not null) json.WriteString(UeSchema.AnomalyKind, c.Kind.FormatValue(r));
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
            stream.WriteByte((byte)'\n');
            // Each line is its own JSON document: reset the writer's state so it accepts the next top-level object.
            json.Reset(stream);
        }
    }

    private static void WriteDouble(Utf8JsonWriter json, string name, KpiColumn col, int row, Span<char> buf)
    {
        json.WritePropertyName(name);
        if (col.Numbers is null)
        {
            // A text column from a lenient source: keep its value if it is a number.
            if (!double.TryParse(col.Texts![row], NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
                throw new ArgumentException($"Column '{col.Name}', row {row + 1}: expected a number, got '{col.Texts[row]}'.");
            WriteRawDouble(json, col.Name, parsed, row, buf);
            return;
        }
        WriteRawDouble(json, col.Name, col.Numbers[row], row, buf);
    }

    private static void WriteRawDouble(Utf8JsonWriter json, string column, double v, int row, Span<char> buf)
    {
        if (!double.IsFinite(v)) throw new ArgumentException($"Column '{column}', row {row + 1}: JSON cannot carry the value {v}; expected a finite number.");
        json.WriteRawValue(FormatPythonStyle(v, buf), skipInputValidation: true);
    }

    /// <summary>Shortest round-trip digits spelled like Python's float repr: always a '.' or an exponent, lower-case 'e'.</summary>
    internal static ReadOnlySpan<char> FormatPythonStyle(double v, Span<char> buf)
    {
        v.TryFormat(buf, out int n, "R", CultureInfo.InvariantCulture);
        var s = buf[..n];
        int e = s.IndexOf('E');
        if (e >= 0)
        {
            s[e] = 'e';
            // .NET writes "1E-05" and "1E+16"; Python writes "1e-05" and "1e+16": only the case differs.
            return s;
        }
        if (s.IndexOf('.') < 0 && s.IndexOf('N') < 0 && s.IndexOf('I') < 0)
        {
            buf[n] = '.';
            buf[n + 1] = '0';
            return buf[..(n + 2)];
        }
        return s;
    }

    private static void WriteIntegerOrNumberOrText(Utf8JsonWriter json, KpiColumn col, int row, Span<char> buf)
    {
        double v;
        if (col.Numbers is not null)
        {
            v = col.Numbers[row];
        }
        else if (!double.TryParse(col.Texts![row], NumberStyles.Float, CultureInfo.InvariantCulture, out v))
        {
            json.WriteStringValue(col.Texts[row]);
            return;
        }
        if (!double.IsFinite(v)) throw new ArgumentException($"Column '{col.Name}', row {row + 1}: JSON cannot carry the value {v}; expected a finite number.");
        if (v == Math.Floor(v) && Math.Abs(v) < 9.007199254740992e15) json.WriteNumberValue((long)v);
        else json.WriteRawValue(FormatPythonStyle(v, buf), skipInputValidation: true);
    }

    /// <summary>The canonical columns this writer needs, looked up once.</summary>
    private sealed class Cols
    {
        public Cols(KpiTable t)
        {
            DuId = Need(t, UeSchema.DuId);
            Ts = Need(t, UeSchema.Timestamp);
            Cell = Need(t, UeSchema.ServingCell);
            UeId = Need(t, UeSchema.UeId);
            TargetTput = Need(t, "targetTput");
            Throughput = Need(t, "throughput");
            Prb = Need(t, "prb_usage");
            X = Need(t, "x");
            Y = Need(t, "y");
            Rsrp = Need(t, "rsrp");
            Rsrq = Need(t, "rsrq");
            Rssinr = Need(t, "rssinr");
            NbId = new KpiColumn[UeSchema.NeighbourCount];
            NbRsrp = new KpiColumn[UeSchema.NeighbourCount];
            NbRsrq = new KpiColumn[UeSchema.NeighbourCount];
            NbRssinr = new KpiColumn[UeSchema.NeighbourCount];
            for (int i = 0; i < UeSchema.NeighbourCount; i++)
            {
                NbId[i] = Need(t, $"nbCellIdentity_{i}");
                NbRsrp[i] = Need(t, $"rsrp_nb{i}");
                NbRsrq[i] = Need(t, $"rsrq_nb{i}");
                NbRssinr[i] = Need(t, $"rssinr_nb{i}");
            }
            Label = t.TryGetColumn(UeSchema.Label, out var l) && l.IsNumeric ? l : t.LabelColumn is { IsNumeric: true } lc ? lc : null;
            Kind = t.TryGetColumn(UeSchema.AnomalyKind, out var k) ? k : null;
        }

        public KpiColumn DuId, Ts, Cell, UeId, TargetTput, Throughput, Prb, X, Y, Rsrp, Rsrq, Rssinr;
        public KpiColumn[] NbId, NbRsrp, NbRsrq, NbRssinr;
        public KpiColumn? Label, Kind;

        private static KpiColumn Need(KpiTable t, string name) =>
            t.TryGetColumn(name, out var c) ? c : throw new ArgumentException($"{t.Source ?? "The table"} has no column '{name}', which the UE report JSON format needs.");
    }
}
