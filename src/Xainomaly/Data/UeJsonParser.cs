using System.Text;
using System.Text.Json;

namespace Xainomaly.Data;

/// <summary>
/// Forward-only parser of UE report JSON (or flat UE rows) over one UTF-8 span, writing into a
/// <see cref="UeRowBuilder"/>. Field paths for messages are built only when something is wrong.
/// </summary>
internal ref struct UeJsonParser
{
    private const int LabelCode = -1000, KindCode = -1001;
    private static readonly Dictionary<string, int> FlatCodes = BuildFlatCodes();

    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseLine;
    private readonly bool _countLines;
    private readonly string _source;
    private readonly UeRowBuilder _b;
    private readonly TextInterner _interner;
    private int _report;
    private int _ue;
    private long _linePos;
    private long _lineAtPos;

    public UeJsonParser(ReadOnlySpan<byte> data, long baseLine, bool countLines, string source, UeRowBuilder builder, TextInterner interner)
    {
        _data = data;
        _baseLine = baseLine;
        _countLines = countLines;
        _source = source;
        _b = builder;
        _interner = interner;
        _report = -1;
        _ue = -1;
        _lineAtPos = baseLine;
    }

    /// <summary>Reads every top-level value: objects, arrays of objects, or several values one after another.</summary>
    public void ParseAll(bool flat)
    {
        var r = new Utf8JsonReader(_data, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.StartArray)
                {
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray) Top(ref r, flat);
                }
                else
                {
                    Top(ref r, flat);
                }
            }
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private void Top(ref Utf8JsonReader r, bool flat)
    {
        _report++;
        if (r.TokenType != JsonTokenType.StartObject)
            throw Fail(ref r, null, $"expected a {(flat ? "UE row" : "UE report")} object, found {Describe(r.TokenType)}");
        if (flat)
        {
            FlatRow(ref r);
            return;
        }
        bool found = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("ueMeasReport"u8))
            {
                r.Read();
                Report(ref r);
                found = true;
            }
            else
            {
                r.Skip();
            }
        }
        if (!found) throw Fail(ref r, "ueMeasReport", "not a UE measurement report (no 'ueMeasReport' field)");
    }

    private void Report(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw Fail(ref r, "ueMeasReport", $"expected an object, found {Describe(r.TokenType)}");
        int first = _b.Count;
        string? du = null, time = null;
        bool list = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("du-id"u8))
            {
                r.Read();
                du = Id(ref r, "ueMeasReport.du-id");
            }
            else if (r.ValueTextEquals("measTimeStampRf"u8))
            {
                r.Read();
                time = Str(ref r, "ueMeasReport.measTimeStampRf");
            }
            else if (r.ValueTextEquals("ueMeasReportList"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.StartArray)
                    throw Fail(ref r, "ueMeasReport.ueMeasReportList", $"expected an array, found {Describe(r.TokenType)}");
                _ue = 0;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    Ue(ref r);
                    _ue++;
                }
                _ue = -1;
                list = true;
            }
            else
            {
                r.Skip();
            }
        }
        if (du is null) throw Fail(ref r, "ueMeasReport.du-id", "missing required field");
        if (time is null) throw Fail(ref r, "ueMeasReport.measTimeStampRf", "missing required field");
        if (!list) throw Fail(ref r, "ueMeasReport.ueMeasReportList", "missing required field");
        _b.FillReport(first, du, time);
    }

    private void Ue(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw Fail(ref r, UePath(""), $"expected a UE record object, found {Describe(r.TokenType)}");
        long line = LineAt(r.TokenStartIndex);
        _b.BeginRow();
        var num = _b.RowNumbers;
        var text = _b.RowTexts;
        int seen = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("ue-id"u8))
            {
                r.Read();
                text[UeRowBuilder.UeId] = Id(ref r, "ue-id", inUe: true);
                seen |= 1;
            }
            else if (r.ValueTextEquals("nrCellIdentity"u8))
            {
                r.Read();
                text[UeRowBuilder.Cell] = Id(ref r, "nrCellIdentity", inUe: true);
                seen |= 2;
            }
            else if (r.ValueTextEquals("targetTput"u8)) seen |= Num(ref r, UeRowBuilder.TargetTput, "targetTput", 4);
            else if (r.ValueTextEquals("throughput"u8)) seen |= Num(ref r, UeRowBuilder.Throughput, "throughput", 8);
            else if (r.ValueTextEquals("prb_usage"u8)) seen |= Num(ref r, UeRowBuilder.Prb, "prb_usage", 16);
            else if (r.ValueTextEquals("x"u8)) seen |= Num(ref r, UeRowBuilder.X, "x", 32);
            else if (r.ValueTextEquals("y"u8)) seen |= Num(ref r, UeRowBuilder.Y, "y", 64);
            else if (r.ValueTextEquals("servingCellRfReport"u8))
            {
                r.Read();
                RfReport(ref r, UeRowBuilder.Rsrp, -1);
                seen |= 128;
            }
            else if (r.ValueTextEquals("neighbourCellList"u8))
            {
                r.Read();
                Neighbours(ref r);
                seen |= 256;
            }
            else if (r.ValueTextEquals("Anomaly"u8))
            {
                r.Read();
                _b.RowLabel = Label(ref r, "Anomaly", inUe: true);
                _b.RowHasLabel = true;
            }
            else if (r.ValueTextEquals("anomaly_kind"u8))
            {
                r.Read();
                _b.RowKind = r.TokenType == JsonTokenType.Null ? "" : Str(ref r, "anomaly_kind", inUe: true);
            }
            else
            {
                r.Skip();
            }
        }
        if (seen != 511)
        {
            string[] fields = ["ue-id", "nrCellIdentity", "targetTput", "throughput", "prb_usage", "x", "y", "servingCellRfReport", "neighbourCellList"];
            for (int i = 0; i < fields.Length; i++)
            {
                if ((seen & (1 << i)) == 0) throw Fail(ref r, UePath(fields[i]), "missing required field");
            }
        }
        _b.CommitRow(line);
    }

    private int Num(ref Utf8JsonReader r, int slot, string field, int bit)
    {
        r.Read();
        _b.RowNumbers[slot] = Number(ref r, field, -1, 0);
        return bit;
    }

    private void RfReport(ref Utf8JsonReader r, int slot, int neighbour)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw Fail(ref r, UePath(RfPath(neighbour, "")), $"expected an object, found {Describe(r.TokenType)}");
        int seen = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int k = r.ValueTextEquals("rsrp"u8) ? 0 : r.ValueTextEquals("rsrq"u8) ? 1 : r.ValueTextEquals("rssinr"u8) ? 2 : -1;
            if (k < 0)
            {
                r.Skip();
                continue;
            }
            r.Read();
            _b.RowNumbers[slot + k] = Number(ref r, null, neighbour, k);
            seen |= 1 << k;
        }
        if (seen != 7)
        {
            var missing = (seen & 1) == 0 ? "rsrp" : (seen & 2) == 0 ? "rsrq" : "rssinr";
            throw Fail(ref r, UePath(RfPath(neighbour, "." + missing)), "missing required field");
        }
    }

    private void Neighbours(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw Fail(ref r, UePath("neighbourCellList"), $"expected an array, found {Describe(r.TokenType)}");
        int i = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (i >= UeSchema.NeighbourCount)
            {
                r.Skip();
                i++;
                continue;
            }
            if (r.TokenType != JsonTokenType.StartObject)
                throw Fail(ref r, UePath($"neighbourCellList[{i}]"), $"expected an object, found {Describe(r.TokenType)}");
            bool id = false, rf = false;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("nbCellIdentity"u8))
                {
                    r.Read();
                    _b.RowTexts[UeRowBuilder.FirstNeighbourCell + i] = Id(ref r, "nbCellIdentity", inUe: true, neighbour: i);
                    id = true;
                }
                else if (r.ValueTextEquals("nbCellRfReport"u8))
                {
                    r.Read();
                    RfReport(ref r, UeRowBuilder.FirstNeighbour + (3 * i), i);
                    rf = true;
                }
                else
                {
                    r.Skip();
                }
            }
            if (!id) throw Fail(ref r, UePath($"neighbourCellList[{i}].nbCellIdentity"), "missing required field");
            if (!rf) throw Fail(ref r, UePath($"neighbourCellList[{i}].nbCellRfReport"), "missing required field");
            i++;
        }
        if (i < UeSchema.NeighbourCount)
            throw Fail(ref r, UePath("neighbourCellList"), $"{i} neighbour cells, {UeSchema.NeighbourCount} are required (the model uses all of them)");
    }

    private void FlatRow(ref Utf8JsonReader r)
    {
        long line = LineAt(r.TokenStartIndex);
        _b.BeginRow();
        var seen = new bool[UeRowBuilder.NumericCount + UeRowBuilder.TextCount];
        Span<char> name = stackalloc char[128];
        var lookup = FlatCodes.GetAlternateLookup<ReadOnlySpan<char>>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int code;
            string? key = null;
            int len = r.HasValueSequence || r.ValueSpan.Length > name.Length ? -1 : r.CopyString(name);
            // The dictionary's own key string is the name as written (both namings are keys), so no string is made per field.
            if (len >= 0 ? !lookup.TryGetValue(name[..len], out key, out code) : !FlatCodes.TryGetValue(key = r.GetString()!, out code))
            {
                r.Skip();
                continue;
            }
            r.Read();
            if (code == LabelCode)
            {
                _b.RowLabel = Label(ref r, key);
                _b.RowHasLabel = true;
            }
            else if (code == KindCode)
            {
                _b.RowKind = r.TokenType == JsonTokenType.Null ? "" : Str(ref r, key);
            }
            else if (seen[code >= 0 ? code : UeRowBuilder.NumericCount - 1 - code])
            {
                throw Fail(ref r, key, "the field appears twice in this row (perhaps under both namings)");
            }
            else if (code >= 0)
            {
                _b.RowNumbers[code] = Number(ref r, key, -3, 0);
                seen[code] = true;
            }
            else
            {
                int t = -1 - code;
                _b.RowTexts[t] = Id(ref r, key);
                seen[UeRowBuilder.NumericCount + t] = true;
            }
        }
        for (int i = 0; i < seen.Length; i++)
        {
            if (!seen[i])
            {
                var missing = i < UeRowBuilder.NumericCount ? UeRowBuilder.NumericNames[i] : UeRowBuilder.TextNames[i - UeRowBuilder.NumericCount];
                throw Fail(ref r, missing, "missing required field of a UE row");
            }
        }
        _b.CommitRow(line);
    }

    // field: a UE field name (kind -1), a flat row key (kind -3), or null for an RF report value of neighbour
    // `kind` (-1 = serving cell) and measurement k; the path is only built when the value is bad.
    private double Number(ref Utf8JsonReader r, string? field, int kind, int k)
    {
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out double v) && double.IsFinite(v)) return v;
        var path = field is null ? UePath(RfPath(kind, k == 0 ? ".rsrp" : k == 1 ? ".rsrq" : ".rssinr"))
            : kind == -3 ? field : UePath(field);
        throw Fail(ref r, path, r.TokenType == JsonTokenType.Number ? "the number is out of range" : $"expected a number, found {Describe(r.TokenType)}");
    }

    private static string RfPath(int neighbour, string suffix) =>
        (neighbour < 0 ? "servingCellRfReport" : $"neighbourCellList[{neighbour}].nbCellRfReport") + suffix;

    private string Id(ref Utf8JsonReader r, string field, bool inUe = false, int neighbour = -1)
    {
        // Identifiers are text; a number (du-id is one on the wire) keeps its exact spelling, as in the CSV files.
        if (r.TokenType == JsonTokenType.Number) return _interner.Intern(r.ValueSpan);
        return Str(ref r, field, inUe, neighbour);
    }

    private string Str(ref Utf8JsonReader r, string field, bool inUe = false, int neighbour = -1)
    {
        if (r.TokenType != JsonTokenType.String) throw Fail(ref r, PathOf(field, inUe, neighbour), $"expected a string, found {Describe(r.TokenType)}");
        if (!r.ValueIsEscaped && !r.HasValueSequence) return _interner.Intern(r.ValueSpan);
        return _interner.Intern(r.GetString().AsSpan());
    }

    private double Label(ref Utf8JsonReader r, string field, bool inUe = false)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.True:
                return 1;
            case JsonTokenType.False:
                return 0;
            case JsonTokenType.Number when r.TryGetDouble(out double v) && (v == 0 || v == 1):
                return v;
            default:
                throw Fail(ref r, PathOf(field, inUe, -1), $"the label must be 0/1 or true/false, found {Describe(r.TokenType)}"
                    + (r.TokenType == JsonTokenType.Number ? " " + Encoding.UTF8.GetString(r.ValueSpan) : ""));
        }
    }

    // Paths are built only for messages: building them per value would allocate hundreds of MB on a large file.
    private string PathOf(string field, bool inUe, int neighbour)
    {
        if (!inUe) return field;
        return UePath(neighbour >= 0 ? $"neighbourCellList[{neighbour}].{field}" : field);
    }

    private string UePath(string field)
    {
        var p = $"ueMeasReport.ueMeasReportList[{_ue}]";
        return field.Length == 0 ? p : p + "." + field;
    }

    private long LineAt(long position)
    {
        if (!_countLines) return _baseLine;
        // Incremental: records arrive in order, so each newline is counted once.
        if (position < _linePos)
        {
            _linePos = 0;
            _lineAtPos = _baseLine;
        }
        _lineAtPos += _data.Slice((int)_linePos, (int)(position - _linePos)).Count((byte)'\n');
        _linePos = position;
        return _lineAtPos;
    }

    private DataFormatException Fail(ref Utf8JsonReader r, string? field, string problem)
    {
        var where = _report > 0 && !_countLines ? $" (report {_report + 1} on this line)" : "";
        return new DataFormatException(_source, problem + where, LineAt(r.TokenStartIndex), field);
    }

    private DataFormatException Malformed(JsonException ex)
    {
        long lineInData = ex.LineNumber ?? 0;
        long byteInLine = ex.BytePositionInLine ?? 0;
        // Locate the failure in the data to recognise NaN/Infinity (which Python's json writes) and the field holding it.
        int lineStart = 0;
        for (long l = 0; l < lineInData && lineStart < _data.Length; l++)
        {
            int nl = _data[lineStart..].IndexOf((byte)'\n');
            if (nl < 0) break;
            lineStart += nl + 1;
        }
        int pos = (int)Math.Min(_data.Length, lineStart + byteInLine);
        var rest = _data[pos..];
        var message = ex.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        string problem;
        string? field = FieldBefore(pos);
        if (rest.StartsWith("NaN"u8) || rest.StartsWith("Infinity"u8) || rest.StartsWith("-Infinity"u8))
            problem = "NaN or Infinity is not a valid value (the field needs a finite number)";
        else if (pos >= _data.Length)
            problem = $"malformed JSON: the text ends inside a value ({message})";
        else
            problem = $"malformed JSON at byte {byteInLine + 1} of the line: {message}";
        return new DataFormatException(_source, problem, _baseLine + lineInData, field, ex);
    }

    // The name of the last "key": before a position, to name the field a syntax error sits in.
    private string? FieldBefore(int pos)
    {
        int i = Math.Min(pos, _data.Length) - 1;
        while (i >= 0 && _data[i] != (byte)':') i--;
        if (i < 0) return null;
        int endQuote = _data[..i].LastIndexOf((byte)'"');
        if (endQuote <= 0) return null;
        int startQuote = _data[..endQuote].LastIndexOf((byte)'"');
        if (startQuote < 0) return null;
        return Encoding.UTF8.GetString(_data.Slice(startQuote + 1, endQuote - startQuote - 1));
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndArray or JsonTokenType.EndObject or JsonTokenType.None => "the end of the value",
        _ => t.ToString(),
    };

    private static Dictionary<string, int> BuildFlatCodes()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < UeRowBuilder.NumericCount; i++) d[UeRowBuilder.NumericNames[i]] = i;
        for (int i = 0; i < UeRowBuilder.TextCount; i++) d[UeRowBuilder.TextNames[i]] = -1 - i;
        d[UeSchema.Label] = LabelCode;
        d[UeSchema.AnomalyKind] = KindCode;
        foreach (var (alias, canonical) in UeSchema.Aliases) d[alias] = d[canonical];
        return d;
    }
}
