using System.Buffers;
using System.Globalization;
using System.Text;

namespace Xainomaly.Data;

/// <summary>
/// Reads KPI records from CSV (RFC 4180: quoted fields with embedded commas, quotes and newlines; <c>\r\n</c> or
/// <c>\n</c>; optional UTF-8 BOM) into a <see cref="KpiTable"/>.
/// </summary>
/// <remarks>
/// <para>UE data (a header holding every column of <see cref="UeSchema"/> but the label, in either naming) is renamed
/// to the canonical names, typed and ordered by the schema, so <c>valid.csv</c> and <c>ue.csv</c> give tables with
/// the same columns. A non-number in one of its numeric columns is an error.</para>
/// <para>Any other CSV: a column is numeric when every cell is a finite invariant-culture number, nominal text when
/// some cell is text; a numeric column with empty, NaN or infinite cells is an error rather than a silent
/// switch to text. Known UE names keep their identifier/timestamp roles. <see cref="KpiReadOptions"/> overrides roles.</para>
/// <para>A header without rows is an error unless <see cref="KpiReadOptions.AllowEmpty"/>; then columns whose type
/// cannot be inferred are numeric.</para>
/// </remarks>
public static class KpiCsvReader
{
    private static readonly SearchValues<byte> FieldEnd = SearchValues.Create(",\r\n"u8);

    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The content is not valid KPI CSV.</exception>
    public static KpiTable Read(string path, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        return Parse(File.ReadAllBytes(path), options?.SourceName ?? path, options);
    }

    /// <summary>Reads CSV from <paramref name="stream"/> to its end.</summary>
    public static KpiTable Read(Stream stream, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
        stream.CopyTo(ms);
        return Parse(ms.GetBuffer().AsSpan(0, (int)ms.Length), options?.SourceName ?? sourceName, options);
    }

    /// <summary>Parses CSV text.</summary>
    public static KpiTable Parse(string csv, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return Parse(Encoding.UTF8.GetBytes(csv), sourceName, options);
    }

    /// <summary>Parses UTF-8 CSV bytes; <paramref name="sourceName"/> is used in messages.</summary>
    public static KpiTable Parse(ReadOnlySpan<byte> utf8, string sourceName, KpiReadOptions? options = null)
    {
        options ??= KpiReadOptions.Default;
        var source = options.SourceName ?? sourceName;
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (utf8.Trim(" \t\r\n"u8).IsEmpty) throw new DataFormatException(source, "the file is empty (expected a header line)", 1);
        var cells = Tokenize(utf8, source);
        if (cells.RowCount == 0) throw new DataFormatException(source, "the file is empty (expected a header line)", 1);

        var interner = new TextInterner();
        int width = cells.FieldsInRow(0);
        var raw = new string[width];
        var names = new string[width];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int j = 0; j < width; j++)
        {
            raw[j] = cells.Text(utf8, 0, j, interner).Trim();
            if (raw[j].Length == 0)
                throw new DataFormatException(source, $"header field {j + 1} is empty (expected a column name)", cells.RowLine[0]);
            names[j] = UeSchema.Canonicalize(raw[j]);
            if (!seen.TryAdd(names[j], raw[j]))
            {
                var other = seen[names[j]];
                var why = other == raw[j] ? "duplicate column name" : $"duplicate column: '{other}' and '{raw[j]}' both mean '{names[j]}'";
                throw new DataFormatException(source, why, cells.RowLine[0], raw[j]);
            }
        }

        bool ue = IsUeHeader(seen.Keys);
        var plan = ReadRolePlan.Build(seen.Keys, options, source, cells.RowLine[0], ue);

        int rows = cells.RowCount - 1;
        if (rows == 0 && !options.AllowEmpty)
            throw new DataFormatException(source, "the file has a header but no data rows", cells.RowLine[0] + 1);
        for (int r = 1; r < cells.RowCount; r++)
        {
            int n = cells.FieldsInRow(r);
            if (n > width)
                throw new DataFormatException(source, $"row has {n} fields, the header has {width}", cells.RowLine[r]);
            if (n < width)
                throw new DataFormatException(source, $"row has {n} fields, the header has {width} (missing from here on)", cells.RowLine[r], raw[n]);
        }

        var built = new List<(int Order, KpiColumn Column)>(width);
        for (int j = 0; j < width; j++)
        {
            var name = names[j];
            if (plan.Excluded.Contains(name)) continue;
            var schemaRole = UeSchema.DefaultRole(name);
            ColumnRole natural;
            bool strictNumeric;
            if (schemaRole is { } sr && (ue || sr != ColumnRole.Numeric))
            {
                natural = sr;
                strictNumeric = ue;
            }
            else
            {
                natural = ColumnRole.Numeric;
                strictNumeric = false;
            }
            var role = plan.RoleOf(name, natural);
            if (role == ColumnRole.Numeric && natural == ColumnRole.Numeric && !strictNumeric)
                role = InferNumeric(utf8, cells, j) ? ColumnRole.Numeric : ColumnRole.Nominal;

            KpiColumn column = role switch
            {
                ColumnRole.Numeric => new KpiColumn(name, role, ReadNumbers(utf8, cells, j, source, raw[j])),
                ColumnRole.Label => new KpiColumn(name, role, ReadLabels(utf8, cells, j, source, raw[j])),
                _ => new KpiColumn(name, role, ReadTexts(utf8, cells, j, interner)),
            };
            int order = ue && UeSchema.IsCanonical(name) ? IndexOf(UeSchema.Columns, name) : -1;
            built.Add((order < 0 ? UeSchema.Columns.Count + j : order, column));
        }
        if (ue) built.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var columns = new KpiColumn[built.Count];
        for (int i = 0; i < columns.Length; i++) columns[i] = built[i].Column;
        return new KpiTable(columns, source);
    }

    /// <summary>True when the header (canonical names) holds every UE schema column except the label.</summary>
    internal static bool IsUeHeader(ICollection<string> canonicalNames)
    {
        foreach (var c in UeSchema.Columns)
        {
            if (c != UeSchema.Label && !canonicalNames.Contains(c)) return false;
        }
        return true;
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    // A column is numeric unless some cell is real text; empty/NaN cells do not make it text (they are errors later).
    private static bool InferNumeric(ReadOnlySpan<byte> data, CsvCells cells, int j)
    {
        for (int r = 1; r < cells.RowCount; r++)
        {
            int k = cells.RowFirst[r] + j;
            if (cells.Escaped[k]) return false;
            var span = data.Slice(cells.Start[k], cells.Length[k]);
            if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            if (span.Trim(" \t"u8).IsEmpty) continue;
            return false;
        }
        return true;
    }

    private static double[] ReadNumbers(ReadOnlySpan<byte> data, CsvCells cells, int j, string source, string column)
    {
        var values = new double[cells.RowCount - 1];
        for (int r = 1; r < cells.RowCount; r++)
        {
            int k = cells.RowFirst[r] + j;
            var span = data.Slice(cells.Start[k], cells.Length[k]);
            if (cells.Escaped[k] || !double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                var problem = span.Trim(" \t"u8).IsEmpty
                    ? "empty cell in a numeric column (missing values are not supported)"
                    : $"'{Show(span)}' is not a number (expected an invariant-culture number such as -86.5)";
                throw new DataFormatException(source, problem, cells.RowLine[r], column);
            }
            if (!double.IsFinite(v))
                throw new DataFormatException(source, $"'{Show(span)}' is not a finite number (NaN and infinity are not allowed)", cells.RowLine[r], column);
            values[r - 1] = v;
        }
        return values;
    }

    private static double[] ReadLabels(ReadOnlySpan<byte> data, CsvCells cells, int j, string source, string column)
    {
        var values = new double[cells.RowCount - 1];
        for (int r = 1; r < cells.RowCount; r++)
        {
            int k = cells.RowFirst[r] + j;
            var span = data.Slice(cells.Start[k], cells.Length[k]).Trim(" \t"u8);
            double v;
            if (span.SequenceEqual("0"u8)) v = 0;
            else if (span.SequenceEqual("1"u8)) v = 1;
            else if (Ascii.EqualsIgnoreCase(span, "true"u8)) v = 1;
            else if (Ascii.EqualsIgnoreCase(span, "false"u8)) v = 0;
            else if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out v) || (v != 0 && v != 1))
                throw new DataFormatException(source, $"label '{Show(span)}' is not 0/1 or true/false", cells.RowLine[r], column);
            values[r - 1] = v;
        }
        return values;
    }

    private static string[] ReadTexts(ReadOnlySpan<byte> data, CsvCells cells, int j, TextInterner interner)
    {
        var values = new string[cells.RowCount - 1];
        for (int r = 1; r < cells.RowCount; r++) values[r - 1] = cells.Text(data, r, j, interner);
        return values;
    }

    private static string Show(ReadOnlySpan<byte> span)
    {
        var s = Encoding.UTF8.GetString(span.Length > 40 ? span[..40] : span);
        return span.Length > 40 ? s + "…" : s;
    }

    private static CsvCells Tokenize(ReadOnlySpan<byte> s, string source)
    {
        var cells = new CsvCells(Math.Max(16, s.Length / 8));
        int pos = 0;
        long line = 1;
        while (pos < s.Length)
        {
            // Blank lines between records carry nothing; skipping them keeps a trailing newline harmless.
            if (s[pos] == (byte)'\n')
            {
                pos++;
                line++;
                continue;
            }
            if (s[pos] == (byte)'\r')
            {
                pos++;
                if (pos < s.Length && s[pos] == (byte)'\n') pos++;
                line++;
                continue;
            }
            cells.BeginRow(line);
            int field = 0;
            while (true)
            {
                field++;
                if (pos < s.Length && s[pos] == (byte)'"')
                {
                    long openLine = line;
                    int start = ++pos;
                    bool escaped = false;
                    while (true)
                    {
                        int q = s[pos..].IndexOf((byte)'"');
                        if (q < 0)
                            throw new DataFormatException(source, $"quoted field {field} is not closed (missing '\"')", openLine);
                        line += s.Slice(pos, q).Count((byte)'\n');
                        pos += q + 1;
                        if (pos < s.Length && s[pos] == (byte)'"')
                        {
                            escaped = true;
                            pos++;
                            continue;
                        }
                        break;
                    }
                    cells.Add(start, pos - 1 - start, escaped);
                    if (pos >= s.Length) break;
                    byte c = s[pos];
                    if (c == (byte)',')
                    {
                        pos++;
                        continue;
                    }
                    if (c is (byte)'\n' or (byte)'\r')
                    {
                        pos = SkipNewline(s, pos);
                        line++;
                        break;
                    }
                    throw new DataFormatException(source, $"unexpected '{(char)c}' after the closing quote of field {field} (expected ',' or end of line)", line);
                }
                else
                {
                    int rel = s[pos..].IndexOfAny(FieldEnd);
                    if (rel < 0)
                    {
                        cells.Add(pos, s.Length - pos, false);
                        pos = s.Length;
                        break;
                    }
                    cells.Add(pos, rel, false);
                    pos += rel;
                    if (s[pos] == (byte)',')
                    {
                        pos++;
                        continue;
                    }
                    pos = SkipNewline(s, pos);
                    line++;
                    break;
                }
            }
        }
        return cells;
    }

    private static int SkipNewline(ReadOnlySpan<byte> s, int pos)
    {
        if (s[pos] == (byte)'\r' && pos + 1 < s.Length && s[pos + 1] == (byte)'\n') return pos + 2;
        return pos + 1;
    }

    /// <summary>Field positions of a whole file, kept as offsets so numeric cells never become strings.</summary>
    private sealed class CsvCells(int capacity)
    {
        public int[] Start = new int[capacity];
        public int[] Length = new int[capacity];
        public bool[] Escaped = new bool[capacity];
        public int Count;
        public int[] RowFirst = new int[Math.Max(4, capacity / 16)];
        public long[] RowLine = new long[Math.Max(4, capacity / 16)];
        public int RowCount;

        public void BeginRow(long line)
        {
            if (RowCount == RowFirst.Length)
            {
                Array.Resize(ref RowFirst, RowCount * 2);
                Array.Resize(ref RowLine, RowCount * 2);
            }
            RowFirst[RowCount] = Count;
            RowLine[RowCount] = line;
            RowCount++;
        }

        public void Add(int start, int length, bool escaped)
        {
            if (Count == Start.Length)
            {
                Array.Resize(ref Start, Count * 2);
                Array.Resize(ref Length, Count * 2);
                Array.Resize(ref Escaped, Count * 2);
            }
            Start[Count] = start;
            Length[Count] = length;
            Escaped[Count] = escaped;
            Count++;
        }

        public int FieldsInRow(int r) => (r + 1 < RowCount ? RowFirst[r + 1] : Count) - RowFirst[r];

        public string Text(ReadOnlySpan<byte> data, int r, int j, TextInterner interner)
        {
            int k = RowFirst[r] + j;
            var span = data.Slice(Start[k], Length[k]);
            if (!Escaped[k]) return interner.Intern(span);
            // Only doubled quotes need rewriting; rare enough that a temporary string is fine.
            return interner.Intern(Encoding.UTF8.GetString(span).Replace("\"\"", "\"", StringComparison.Ordinal));
        }
    }
}
