using System.Text.Encodings.Web;
using System.Text.Json;

namespace Xainomaly.Data;

/// <summary>
/// Writes any <see cref="KpiTable"/> as JSON lines: one flat object per row, keys = column names in table order,
/// numbers as shortest round-trip doubles (integral values without a fraction), text as strings. Used for tables
/// outside the UE schema (e.g. the LTE E-RAB simulator), whose rows have no UE report envelope. The same table always
/// gives the same bytes.
/// </summary>
public static class KpiJsonLinesWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>, gzip-compressed when it ends in <c>.gz</c>.</summary>
    public static void Write(KpiTable table, string path)
    {
        using var stream = OutputFile.Create(path);
        Write(table, stream);
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/>, which stays open.</summary>
    /// <exception cref="ArgumentException">A number is not finite; the message names the column and row.</exception>
    public static void Write(KpiTable table, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        var cols = table.Columns;
        var names = new JsonEncodedText[cols.Count];
        for (int c = 0; c < names.Length; c++) names[c] = JsonEncodedText.Encode(cols[c].Name, WriterOptions.Encoder);
        using var json = new Utf8JsonWriter(stream, WriterOptions);
        for (int r = 0; r < table.RowCount; r++)
        {
            json.WriteStartObject();
            for (int c = 0; c < cols.Count; c++)
            {
                if (cols[c].Numbers is { } nums)
                {
                    double v = nums[r];
                    if (!double.IsFinite(v)) throw new ArgumentException($"Column '{cols[c].Name}', row {r + 1}: {v} is not a finite number.", nameof(table));
                    if (v == Math.Floor(v) && Math.Abs(v) < 1e15) json.WriteNumber(names[c], (long)v);
                    else json.WriteNumber(names[c], v);
                }
                else
                {
                    json.WriteString(names[c], cols[c].Texts![r] ?? "");
                }
            }
            json.WriteEndObject();
            json.Flush();
            stream.WriteByte((byte)'\n');
            json.Reset();
        }
    }
}
