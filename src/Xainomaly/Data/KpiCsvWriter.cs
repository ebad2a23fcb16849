using System.Globalization;
using System.Text;

namespace Xainomaly.Data;

/// <summary>
/// Writes a <see cref="KpiTable"/> as CSV: a header of column names, one line per row ending in <c>\n</c> (as
/// valid.csv), numbers in invariant shortest round-trip form, RFC 4180 quoting only where a field needs it.
/// The same table always gives the same bytes (UTF-8, no byte-order mark).
/// </summary>
public static class KpiCsvWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>, gzip-compressed when it ends in <c>.gz</c>.</summary>
    public static void Write(KpiTable table, string path)
    {
        using var stream = OutputFile.Create(path);
        Write(table, stream);
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(KpiTable table, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new StreamWriter(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        var cols = table.Columns;
        var sb = new StringBuilder(512);
        for (int c = 0; c < cols.Count; c++)
        {
            if (c > 0) sb.Append(',');
            AppendField(sb, cols[c].Name);
        }
        sb.Append('\n');
        w.Write(sb);
        Span<char> buf = stackalloc char[64];
        for (int r = 0; r < table.RowCount; r++)
        {
            sb.Clear();
            for (int c = 0; c < cols.Count; c++)
            {
                if (c > 0) sb.Append(',');
                var col = cols[c];
                if (col.Numbers is { } nums)
                {
                    // "R" on .NET Core 3.0+ is the shortest string that parses back to the same double.
                    if (!nums[r].TryFormat(buf, out int n, "R", CultureInfo.InvariantCulture))
                        throw new InvalidOperationException($"Could not format column '{col.Name}', row {r + 1}.");
                    sb.Append(buf[..n]);
                }
                else
                {
                    AppendField(sb, col.Texts![r] ?? "");
                }
            }
            sb.Append('\n');
            w.Write(sb);
        }
    }

    /// <summary>Appends <paramref name="s"/>, quoted with doubled quotes when it holds a comma, quote, CR or LF (RFC 4180).</summary>
    private static void AppendField(StringBuilder sb, string s)
    {
        if (s.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(s);
            return;
        }
        sb.Append('"');
        foreach (char ch in s)
        {
            if (ch == '"') sb.Append('"');
            sb.Append(ch);
        }
        sb.Append('"');
    }
}
