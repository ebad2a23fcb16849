using System.Buffers.Text;
using System.Text;
using System.Text.Json;

using Xainomaly.Data;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// One pass over a record straight into <see cref="ParsedRecord"/>s: KPI values in canonical order, identifiers, cells
/// and the time, with no table in between. Reports in the exact wire format are scanned byte by byte; other shapes
/// (any key order, unknown fields, flat rows) take one <see cref="Utf8JsonReader"/> pass. Both follow the library
/// reader's rules (<see cref="UeReportJsonReader"/>) and <see cref="RecordParser"/>'s checks for everything they
/// accept, and give up (return false) on anything they are not sure of — every defect, duplicate keys, escaped or
/// non-ASCII text, several values in one record — so that the reference path decides those and words the rejection.
/// </summary>
internal static class FastRecordParser
{
    private const int Numeric = 23, Texts = 9, LabelCode = 100, KindCode = 101;
    private const int Prb = 0, TargetTput = 1, Throughput = 2, X = 3, Y = 4, Rsrp = 5, FirstNeighbour = 8;
    private const int DuText = 0, TimeText = 1, CellText = 2, UeText = 3, FirstNeighbourText = 4;

    private static readonly Dictionary<string, int> FlatCodes = BuildFlatCodes();

    [ThreadStatic]
    private static State? t_state;

    /// <summary>Which pass may parse: the byte scanner of the exact wire format first, else the general reader pass.</summary>
    public enum Pass
    {
        /// <summary>The scanner, then the reader pass.</summary>
        Any,

        /// <summary>The scanner only.</summary>
        Compact,

        /// <summary>The reader pass only.</summary>
        Reader,
    }

    /// <summary>
    /// Parses one record (trimmed, starting with '{'); <paramref name="report"/> says whether it is a UE report object
    /// (the caller's test, the same as the reference path's). Appends its UE records to <paramref name="into"/> and
    /// returns true, or returns false with nothing appended.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> trimmed, bool report, int index, List<ParsedRecord> into) =>
        TryParse(trimmed, report, index, into, Pass.Any);

    /// <summary>As <see cref="TryParse(ReadOnlySpan{byte}, bool, int, List{ParsedRecord})"/> with a choice of pass (tests compare them).</summary>
    public static bool TryParse(ReadOnlySpan<byte> trimmed, bool report, int index, List<ParsedRecord> into, Pass pass)
    {
        var st = t_state ??= new State();
        st.Staged.Clear();
        try
        {
            bool compact = pass != Pass.Reader && report && new CompactScanner(trimmed, st).Report();
            if (!compact)
            {
                st.Staged.Clear();
                if (pass == Pass.Compact || !ReaderPass(trimmed, report, st)) return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (st.Staged.Count == 0) return false;
        foreach (var ue in st.Staged)
        {
            into.Add(new ParsedRecord
            {
                Index = index,
                Id = RecordParser.RecordId(ue.UeId, ue.Time),
                UeId = ue.UeId,
                DuId = ue.DuId,
                CellId = ue.CellId,
                NeighbourCells = ue.Neighbours,
                Timestamp = ue.Time,
                TimeText = ue.TimeText,
                Kpis = new KpiView(ue.Values),
            });
        }
        st.Staged.Clear();
        return true;
    }

    // The general pass: any key order, unknown fields skipped, as the library reader reads.
    private static bool ReaderPass(ReadOnlySpan<byte> trimmed, bool report, State st)
    {
        var r = new Utf8JsonReader(trimmed);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
        if (!(report ? ReportObject(ref r, st) : FlatRow(ref r, st))) return false;
        // A second value after the record (the reference path reads it too) is for the reference path.
        return r.BytesConsumed == trimmed.Length && !r.Read();
    }

    // {"ueMeasReport":{…}, other fields ignored}
    private static bool ReportObject(ref Utf8JsonReader r, State st)
    {
        bool found = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("ueMeasReport"u8))
            {
                if (found) return false;
                r.Read();
                if (!Report(ref r, st)) return false;
                found = true;
            }
            else
            {
                r.Skip();
            }
        }
        return found;
    }

    private static bool Report(ref Utf8JsonReader r, State st)
    {
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string? du = null;
        ReadOnlySpan<byte> time = default;
        bool hasTime = false, list = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("du-id"u8))
            {
                r.Read();
                if (!Id(ref r, st, out du)) return false;
            }
            else if (r.ValueTextEquals("measTimeStampRf"u8))
            {
                r.Read();
                if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped) return false;
                time = r.ValueSpan;
                hasTime = true;
            }
            else if (r.ValueTextEquals("ueMeasReportList"u8))
            {
                r.Read();
                if (list || r.TokenType != JsonTokenType.StartArray) return false;
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (!Ue(ref r, st)) return false;
                }
                list = true;
            }
            else
            {
                r.Skip();
            }
        }
        if (du is null || !hasTime || !list || st.Staged.Count == 0) return false;
        // Labels are optional, but all or none: a partly labelled report is the reference path's rejection.
        int labelled = 0;
        foreach (var ue in st.Staged) if (ue.Labelled) labelled++;
        if (labelled != 0 && labelled != st.Staged.Count) return false;
        if (!st.Time(time, out var text, out var ts)) return false;
        for (int i = 0; i < st.Staged.Count; i++) st.Staged[i] = st.Staged[i] with { DuId = du, TimeText = text, Time = ts };
        return true;
    }

    private static bool Ue(ref Utf8JsonReader r, State st)
    {
        if (r.TokenType != JsonTokenType.StartObject) return false;
        var values = new double[Numeric];
        var neighbours = new string[UeSchema.NeighbourCount];
        string? ue = null, cell = null;
        bool labelled = false;
        int seen = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (r.ValueTextEquals("ue-id"u8))
            {
                r.Read();
                ok = Id(ref r, st, out ue);
                seen |= 1;
            }
            else if (r.ValueTextEquals("nrCellIdentity"u8))
            {
                r.Read();
                ok = Id(ref r, st, out cell);
                seen |= 2;
            }
            else if (r.ValueTextEquals("targetTput"u8))
            {
                ok = Number(ref r, out values[TargetTput]);
                seen |= 4;
            }
            else if (r.ValueTextEquals("throughput"u8))
            {
                ok = Number(ref r, out values[Throughput]);
                seen |= 8;
            }
            else if (r.ValueTextEquals("prb_usage"u8))
            {
                ok = Number(ref r, out values[Prb]);
                seen |= 16;
            }
            else if (r.ValueTextEquals("x"u8))
            {
                ok = Number(ref r, out values[X]);
                seen |= 32;
            }
            else if (r.ValueTextEquals("y"u8))
            {
                ok = Number(ref r, out values[Y]);
                seen |= 64;
            }
            else if (r.ValueTextEquals("servingCellRfReport"u8))
            {
                r.Read();
                ok = RfReport(ref r, values, Rsrp);
                seen |= 128;
            }
            else if (r.ValueTextEquals("neighbourCellList"u8))
            {
                r.Read();
                ok = Neighbours(ref r, st, values, neighbours);
                seen |= 256;
            }
            else if (r.ValueTextEquals("Anomaly"u8))
            {
                r.Read();
                ok = Label(ref r);
                labelled = true;
            }
            else if (r.ValueTextEquals("anomaly_kind"u8))
            {
                r.Read();
                ok = r.TokenType is JsonTokenType.Null or JsonTokenType.String;
            }
            else
            {
                r.Skip();
                ok = true;
            }
            if (!ok) return false;
        }
        if (seen != 511 || IsBlank(ue!)) return false;
        st.Staged.Add(new Staged(values, ue!, cell, neighbours, labelled));
        return true;
    }

    private static bool RfReport(ref Utf8JsonReader r, double[] values, int slot)
    {
        if (r.TokenType != JsonTokenType.StartObject) return false;
        int seen = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int k = r.ValueTextEquals("rsrp"u8) ? 0 : r.ValueTextEquals("rsrq"u8) ? 1 : r.ValueTextEquals("rssinr"u8) ? 2 : -1;
            if (k < 0)
            {
                r.Skip();
                continue;
            }
            if (!Number(ref r, out values[slot + k])) return false;
            seen |= 1 << k;
        }
        return seen == 7;
    }

    private static bool Neighbours(ref Utf8JsonReader r, State st, double[] values, string[] cells)
    {
        if (r.TokenType != JsonTokenType.StartArray) return false;
        int i = 0;
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (i >= UeSchema.NeighbourCount)
            {
                // More neighbours than the model uses: ignored, as the library reader does.
                r.Skip();
                i++;
                continue;
            }
            if (r.TokenType != JsonTokenType.StartObject) return false;
            bool id = false, rf = false;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("nbCellIdentity"u8))
                {
                    r.Read();
                    if (!Id(ref r, st, out var cell)) return false;
                    cells[i] = cell;
                    id = true;
                }
                else if (r.ValueTextEquals("nbCellRfReport"u8))
                {
                    r.Read();
                    if (!RfReport(ref r, values, FirstNeighbour + (3 * i))) return false;
                    rf = true;
                }
                else
                {
                    r.Skip();
                }
            }
            if (!id || !rf) return false;
            i++;
        }
        return i >= UeSchema.NeighbourCount;
    }

    // A flat row: every key a CSV column name in either naming, each once; every column present.
    private static bool FlatRow(ref Utf8JsonReader r, State st)
    {
        var values = new double[Numeric];
        var texts = new string?[Texts];
        ReadOnlySpan<byte> time = default;
        long seen = 0;
        bool labelled = false;
        Span<char> name = stackalloc char[64];
        var lookup = FlatCodes.GetAlternateLookup<ReadOnlySpan<char>>();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var key = r.ValueSpan;
            if (r.ValueIsEscaped || key.Length > name.Length || !Ascii.IsValid(key)) return false;
            int len = Encoding.ASCII.GetChars(key, name);
            if (!lookup.TryGetValue(name[..len], out int code)) return false;
            r.Read();
            bool ok;
            if (code == LabelCode)
            {
                ok = Label(ref r);
                labelled = true;
            }
            else if (code == KindCode)
            {
                ok = r.TokenType is JsonTokenType.Null or JsonTokenType.String;
            }
            else if ((seen & (1L << code)) != 0)
            {
                return false;
            }
            else if (code < Numeric)
            {
                ok = r.TokenType == JsonTokenType.Number && r.TryGetDouble(out values[code]) && double.IsFinite(values[code]);
            }
            else if (code - Numeric == TimeText)
            {
                // Text fields may be numbers, kept as written.
                ok = (r.TokenType == JsonTokenType.Number || (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped)) && Ascii.IsValid(r.ValueSpan);
                time = r.ValueSpan;
            }
            else
            {
                ok = Id(ref r, st, out texts[code - Numeric]);
            }
            if (!ok) return false;
            if (code < Numeric + Texts) seen |= 1L << code;
        }
        if (seen != (1L << (Numeric + Texts)) - 1 || IsBlank(texts[UeText]!)) return false;
        if (!st.Time(time, out var timeText, out var ts)) return false;
        var neighbours = new string[UeSchema.NeighbourCount];
        for (int i = 0; i < neighbours.Length; i++) neighbours[i] = texts[FirstNeighbourText + i]!;
        st.Staged.Add(new Staged(values, texts[UeText]!, texts[CellText], neighbours, labelled)
        {
            DuId = texts[DuText],
            TimeText = timeText,
            Time = ts,
        });
        return true;
    }

    private static bool Number(ref Utf8JsonReader r, out double value)
    {
        r.Read();
        value = 0;
        return r.TokenType == JsonTokenType.Number && r.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static bool Label(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.True or JsonTokenType.False => true,
        JsonTokenType.Number => r.TryGetDouble(out double v) && (v == 0 || v == 1),
        _ => false,
    };

    // Identifiers are text; a number keeps its exact spelling (du-id is one on the wire).
    private static bool Id(ref Utf8JsonReader r, State st, out string value)
    {
        value = "";
        if (r.TokenType != JsonTokenType.Number && (r.TokenType != JsonTokenType.String || r.ValueIsEscaped)) return false;
        var bytes = r.ValueSpan;
        if (!Ascii.IsValid(bytes)) return false;
        value = st.Intern(bytes);
        return true;
    }

    // string.IsNullOrWhiteSpace for ASCII text without escapes (JSON forbids raw control characters in strings).
    private static bool IsBlank(string s)
    {
        foreach (char c in s) if (!char.IsWhiteSpace(c)) return false;
        return true;
    }

    private static Dictionary<string, int> BuildFlatCodes()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Numeric; i++) d[UeSchema.NumericColumns[i]] = i;
        for (int i = 0; i < Texts; i++) d[UeSchema.TextColumns[i]] = Numeric + i;
        d[UeSchema.Label] = LabelCode;
        d[UeSchema.AnomalyKind] = KindCode;
        foreach (var (alias, canonical) in UeSchema.Aliases) d[alias] = d[canonical];
        return d;
    }

    /// <summary>
    /// The wire format exactly as the AD xApp writes it, scanned byte by byte: only the report's own fields (in any
    /// order, each once), plain ASCII strings without escapes, JSON numbers read as <see cref="Utf8JsonReader"/> reads
    /// them, exactly five neighbours, no labels. Anything else returns false (the general pass decides), so whatever
    /// this accepts is valid JSON that the library reader reads to the same values.
    /// </summary>
    private ref struct CompactScanner(ReadOnlySpan<byte> s, State st)
    {
        private readonly ReadOnlySpan<byte> _s = s;
        private int _p;

        public bool Report()
        {
            // {"ueMeasReport":{...}}
            if (!Open((byte)'{') || !Key(out var key) || !key.SequenceEqual("ueMeasReport"u8) || !Inner() || !Close((byte)'}')) return false;
            Ws();
            return _p == _s.Length;
        }

        private bool Inner()
        {
            if (!Open((byte)'{')) return false;
            string? du = null;
            ReadOnlySpan<byte> time = default;
            int seen = 0, next;
            do
            {
                if (!Key(out var key)) return false;
                int bit;
                if (key.SequenceEqual("du-id"u8))
                {
                    bit = 1;
                    if (!Id(out du)) return false;
                }
                else if (key.SequenceEqual("measTimeStampRf"u8))
                {
                    bit = 2;
                    if (!Str(out time)) return false;
                }
                else if (key.SequenceEqual("ueMeasReportList"u8))
                {
                    bit = 4;
                    if (!Open((byte)'[')) return false;
                    do
                    {
                        if (!Ue()) return false;
                    }
                    while ((next = Next((byte)']')) > 0);
                    if (next < 0) return false;
                }
                else
                {
                    return false;
                }
                if ((seen & bit) != 0) return false;
                seen |= bit;
            }
            while ((next = Next((byte)'}')) > 0);
            if (next < 0 || seen != 7 || st.Staged.Count == 0) return false;
            if (!st.Time(time, out var text, out var ts)) return false;
            for (int i = 0; i < st.Staged.Count; i++) st.Staged[i] = st.Staged[i] with { DuId = du, TimeText = text, Time = ts };
            return true;
        }

        private bool Ue()
        {
            if (!Open((byte)'{')) return false;
            var values = new double[Numeric];
            var neighbours = new string[UeSchema.NeighbourCount];
            string? ue = null, cell = null;
            int seen = 0, next;
            do
            {
                if (!Key(out var key)) return false;
                int bit;
                bool ok;
                switch (key.Length)
                {
                    case 5 when key.SequenceEqual("ue-id"u8):
                        (bit, ok) = (1, Id(out ue));
                        break;
                    case 14 when key.SequenceEqual("nrCellIdentity"u8):
                        (bit, ok) = (2, Id(out cell));
                        break;
                    case 10 when key.SequenceEqual("targetTput"u8):
                        (bit, ok) = (4, Num(out values[TargetTput]));
                        break;
                    case 10 when key.SequenceEqual("throughput"u8):
                        (bit, ok) = (8, Num(out values[Throughput]));
                        break;
                    case 9 when key.SequenceEqual("prb_usage"u8):
                        (bit, ok) = (16, Num(out values[Prb]));
                        break;
                    case 1 when key[0] == 'x':
                        (bit, ok) = (32, Num(out values[X]));
                        break;
                    case 1 when key[0] == 'y':
                        (bit, ok) = (64, Num(out values[Y]));
                        break;
                    case 19 when key.SequenceEqual("servingCellRfReport"u8):
                        (bit, ok) = (128, Rf(values, Rsrp));
                        break;
                    case 17 when key.SequenceEqual("neighbourCellList"u8):
                        (bit, ok) = (256, Neighbours(values, neighbours));
                        break;
                    default:
                        return false;
                }
                if (!ok || (seen & bit) != 0) return false;
                seen |= bit;
            }
            while ((next = Next((byte)'}')) > 0);
            if (next < 0 || seen != 511 || IsBlank(ue!)) return false;
            st.Staged.Add(new Staged(values, ue!, cell, neighbours, false));
            return true;
        }

        private bool Neighbours(double[] values, string[] cells)
        {
            if (!Open((byte)'[')) return false;
            int i = 0, outer;
            do
            {
                if (i == UeSchema.NeighbourCount || !Open((byte)'{')) return false;
                int seen = 0, next;
                do
                {
                    if (!Key(out var key)) return false;
                    int bit;
                    if (key.SequenceEqual("nbCellIdentity"u8))
                    {
                        bit = 1;
                        if (!Id(out cells[i])) return false;
                    }
                    else if (key.SequenceEqual("nbCellRfReport"u8))
                    {
                        bit = 2;
                        if (!Rf(values, FirstNeighbour + (3 * i))) return false;
                    }
                    else
                    {
                        return false;
                    }
                    if ((seen & bit) != 0) return false;
                    seen |= bit;
                }
                while ((next = Next((byte)'}')) > 0);
                if (next < 0 || seen != 3) return false;
                i++;
            }
            while ((outer = Next((byte)']')) > 0);
            return outer == 0 && i == UeSchema.NeighbourCount;
        }

        private bool Rf(double[] values, int slot)
        {
            if (!Open((byte)'{')) return false;
            int seen = 0, next;
            do
            {
                if (!Key(out var key)) return false;
                int k = key.SequenceEqual("rsrp"u8) ? 0 : key.SequenceEqual("rsrq"u8) ? 1 : key.SequenceEqual("rssinr"u8) ? 2 : -1;
                if (k < 0 || (seen & (1 << k)) != 0 || !Num(out values[slot + k])) return false;
                seen |= 1 << k;
            }
            while ((next = Next((byte)'}')) > 0);
            return next == 0 && seen == 7;
        }

        // After a member or element: 1 after ',' (more follow), 0 after the closing byte, -1 for anything else.
        private int Next(byte close)
        {
            Ws();
            if (_p >= _s.Length) return -1;
            byte b = _s[_p++];
            return b == ',' ? 1 : b == close ? 0 : -1;
        }

        // An opening byte, then a non-empty container (an empty one is left to the general pass).
        private bool Open(byte open)
        {
            Ws();
            if (_p >= _s.Length || _s[_p] != open) return false;
            _p++;
            Ws();
            return _p < _s.Length && _s[_p] != (open == '{' ? '}' : ']');
        }

        private bool Close(byte close)
        {
            Ws();
            if (_p >= _s.Length || _s[_p] != close) return false;
            _p++;
            return true;
        }

        private bool Key(out ReadOnlySpan<byte> key)
        {
            if (!Str(out key)) return false;
            Ws();
            if (_p >= _s.Length || _s[_p] != ':') return false;
            _p++;
            return true;
        }

        // A string of printable ASCII without escapes.
        private bool Str(out ReadOnlySpan<byte> value)
        {
            value = default;
            Ws();
            if (_p >= _s.Length || _s[_p] != '"') return false;
            int start = ++_p;
            while (_p < _s.Length)
            {
                byte b = _s[_p];
                if (b == '"')
                {
                    value = _s[start.._p];
                    _p++;
                    return true;
                }
                if (b is < 0x20 or > 0x7E or (byte)'\\') return false;
                _p++;
            }
            return false;
        }

        private bool Id(out string value)
        {
            value = "";
            Ws();
            if (_p < _s.Length && _s[_p] != '"')
            {
                int start = _p;
                if (!Num(out _)) return false;
                value = st.Intern(_s[start.._p]);
                return true;
            }
            if (!Str(out var text)) return false;
            value = st.Intern(text);
            return true;
        }

        // A JSON number (its grammar checked here), converted as Utf8JsonReader.TryGetDouble converts it; finite only.
        private bool Num(out double value)
        {
            value = 0;
            Ws();
            int start = _p;
            if (_p < _s.Length && _s[_p] == '-') _p++;
            if (_p >= _s.Length) return false;
            if (_s[_p] == '0') _p++;
            else if (!Digits()) return false;
            if (_p < _s.Length && _s[_p] == '.')
            {
                _p++;
                if (!Digits()) return false;
            }
            // The reader asks for the scientific format exactly when the number has an exponent.
            char format = default;
            if (_p < _s.Length && (_s[_p] | 0x20) == 'e')
            {
                format = 'e';
                _p++;
                if (_p < _s.Length && _s[_p] is (byte)'+' or (byte)'-') _p++;
                if (!Digits()) return false;
            }
            var text = _s[start.._p];
            return Utf8Parser.TryParse(text, out value, out int used, format) && used == text.Length && double.IsFinite(value);
        }

        private bool Digits()
        {
            int start = _p;
            while (_p < _s.Length && (uint)(_s[_p] - '0') <= 9) _p++;
            return _p > start;
        }

        private void Ws()
        {
            while (_p < _s.Length && _s[_p] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _p++;
        }
    }

    private readonly record struct Staged(double[] Values, string UeId, string? CellId, string[] Neighbours, bool Labelled)
    {
        public string? DuId { get; init; }
        public string TimeText { get; init; } = "";
        public DateTimeOffset Time { get; init; }
    }

    // Per thread: callers parse in parallel. Identifiers and cells repeat endlessly, so they are shared strings; the
    // time repeats over the reports of one measurement round, so the last one is kept.
    private sealed class State
    {
        private const int MaxInterned = 4096;
        private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly byte[] _lastTime = new byte[64];
        private int _lastTimeLength = -1;
        private string _lastTimeText = "";
        private DateTimeOffset _lastTimeValue;

        public State() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

        public List<Staged> Staged { get; } = new(16);

        public string Intern(ReadOnlySpan<byte> ascii)
        {
            if (ascii.Length > 128) return Encoding.ASCII.GetString(ascii);
            Span<char> chars = stackalloc char[ascii.Length];
            Encoding.ASCII.GetChars(ascii, chars);
            if (_lookup.TryGetValue(chars, out var s)) return s;
            // Bounded: a stream of ever new identifiers must not grow memory without limit.
            if (_strings.Count >= MaxInterned) _strings.Clear();
            s = new string(chars);
            _strings.Add(s);
            return s;
        }

        // The time text (ASCII, unescaped) parsed as RecordParser.TryParseTime does; false when it is not a time.
        public bool Time(ReadOnlySpan<byte> ascii, out string text, out DateTimeOffset value)
        {
            if (_lastTimeLength == ascii.Length && ascii.SequenceEqual(_lastTime.AsSpan(0, _lastTimeLength)))
            {
                text = _lastTimeText;
                value = _lastTimeValue;
                return true;
            }
            text = Encoding.ASCII.GetString(ascii);
            if (!IsoTime.TryParseCommon(ascii, out value) && !IsoTime.TryParse(text, out value)) return false;
            if (ascii.Length <= _lastTime.Length)
            {
                ascii.CopyTo(_lastTime);
                _lastTimeLength = ascii.Length;
                _lastTimeText = text;
                _lastTimeValue = value;
            }
            return true;
        }
    }
}
