using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Xainomaly.Data;

/// <summary>
/// Reads O-RAN UE measurement reports — the wire format of the AD xApp's <c>ue.json.gz</c>, one
/// <c>{"ueMeasReport":{"du-id", "measTimeStampRf", "ueMeasReportList":[…]}}</c> object a line — into a
/// <see cref="KpiTable"/> with the canonical UE schema, one row per UE record.
/// </summary>
/// <remarks>
/// Every field of a UE record is required, including five neighbours (the models need all of them; more than five
/// are ignored, in list order). Optional per-record <c>Anomaly</c> (0/1 or true/false) and <c>anomaly_kind</c>
/// become the label and an ignored column; when no record has <c>Anomaly</c> the table has no label, and when only
/// some have one it is an error. Unknown fields are ignored. Gzip is recognised by its magic bytes.
/// </remarks>
public static class UeReportJsonReader
{
    /// <summary>Reads a JSON-lines report file, gzip-compressed or plain.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The content is not valid UE report JSON.</exception>
    public static KpiTable Read(string path, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(fs, path, options);
    }

    /// <summary>Reads JSON-lines reports from <paramref name="stream"/> (gzip-compressed or plain) to its end.</summary>
    public static KpiTable Read(Stream stream, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= KpiReadOptions.Default;
        var source = options.SourceName ?? sourceName;
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long origin = stream.Position;
        Span<byte> head = stackalloc byte[2];
        int got = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        stream.Position = origin;
        if (got == 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            // The gzip trailer's ISIZE (uncompressed length mod 2^32) is the only way to see truncation: GZipStream
            // simply ends early when the compressed data stops.
            uint? expected = null;
            if (stream.Length - origin >= 18)
            {
                Span<byte> tail = stackalloc byte[4];
                stream.Seek(-4, SeekOrigin.End);
                stream.ReadExactly(tail);
                expected = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
                stream.Position = origin;
            }
            using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return ReadLines(gz, source, options, gzip: true, expected ?? uint.MaxValue, expected is null, EstimateRows(expected ?? 0));
        }
        return ReadLines(stream, source, options, gzip: false, 0, false, EstimateRows(stream.Length - origin));
    }

    /// <summary>
    /// Parses reports held in memory: one report object, a JSON array of reports, or several reports one after
    /// another (JSON lines). Gzip-compressed bytes are accepted too. This is what the streaming service receives.
    /// </summary>
    public static KpiTable ParseReports(ReadOnlySpan<byte> utf8, string sourceName, KpiReadOptions? options = null)
    {
        if (utf8.Length >= 2 && utf8[0] == 0x1f && utf8[1] == 0x8b)
            return Read(new MemoryStream(utf8.ToArray()), sourceName, options);
        return ParseSpan(utf8, sourceName, options, flat: false);
    }

    /// <summary>Parses reports from a string; see <see cref="ParseReports(ReadOnlySpan{byte}, string, KpiReadOptions?)"/>.</summary>
    public static KpiTable ParseReports(string json, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseSpan(Encoding.UTF8.GetBytes(json), sourceName, options, flat: false);
    }

    /// <summary>
    /// Parses "flat" UE rows: JSON objects (one, an array, or JSON lines) whose keys are the CSV column names in
    /// either naming (<c>rsrp</c> or <c>RF.serving.RSRP</c>, …). Identifiers may be strings or numbers.
    /// </summary>
    public static KpiTable ParseFlatRows(ReadOnlySpan<byte> utf8, string sourceName, KpiReadOptions? options = null) =>
        ParseSpan(utf8, sourceName, options, flat: true);

    /// <summary>Parses flat UE rows from a string; see <see cref="ParseFlatRows(ReadOnlySpan{byte}, string, KpiReadOptions?)"/>.</summary>
    public static KpiTable ParseFlatRows(string json, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseSpan(Encoding.UTF8.GetBytes(json), sourceName, options, flat: true);
    }

    private static KpiTable ParseSpan(ReadOnlySpan<byte> utf8, string sourceName, KpiReadOptions? options, bool flat)
    {
        options ??= KpiReadOptions.Default;
        var source = options.SourceName ?? sourceName;
        var builder = new UeRowBuilder(256);
        var interner = new TextInterner();
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            if (options.AllowEmpty) return Finish(builder, source, options);
            throw new DataFormatException(source, "the input is empty (expected UE report JSON)", 1);
        }
        var parser = new UeJsonParser(utf8, 1, countLines: true, source, builder, interner);
        parser.ParseAll(flat);
        return Finish(builder, source, options);
    }

    // A UE record with five neighbours takes about 900–1,000 bytes of JSON; sizing the column buffers from the
    // input length up front avoids regrowing them (and the copies and garbage that come with it).
    private static int EstimateRows(long bytes) => (int)Math.Clamp(bytes / 850, 1024, 1 << 24);

    private static KpiTable ReadLines(Stream input, string source, KpiReadOptions options, bool gzip, uint expectedSize, bool sizeUnknown, int capacity)
    {
        var builder = new UeRowBuilder(capacity);
        var interner = new TextInterner();
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int start = 0, end = 0;
            long line = 1, total = 0;
            bool eof = false, anyContent = false;
            while (true)
            {
                int nl = buf.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (!anyContent && (nl >= 0 || eof) && StartsDocument(buf.AsSpan(start, nl >= 0 ? nl : end - start), line))
                {
                    // A JSON array or a pretty-printed object spans lines: parse the rest as one document.
                    while (true)
                    {
                        if (end == buf.Length)
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                            Buffer.BlockCopy(buf, 0, bigger, 0, end);
                            ArrayPool<byte>.Shared.Return(buf);
                            buf = bigger;
                        }
                        int got = ReadChunk(input, buf, end, source, line);
                        if (got == 0) break;
                        end += got;
                        total += got;
                    }
                    CheckSize(gzip, sizeUnknown, total, expectedSize, source, line);
                    var document = new UeJsonParser(buf.AsSpan(start, end - start), line, countLines: true, source, builder, interner);
                    document.ParseAll(flat: false);
                    anyContent = true;
                    break;
                }
                if (nl >= 0)
                {
                    anyContent |= ParseLine(buf.AsSpan(start, nl), line, source, builder, interner);
                    line++;
                    start += nl + 1;
                    continue;
                }
                if (eof)
                {
                    CheckSize(gzip, sizeUnknown, total, expectedSize, source, line);
                    if (end > start) anyContent |= ParseLine(buf.AsSpan(start, end - start), line, source, builder, interner);
                    break;
                }
                if (start > 0)
                {
                    Buffer.BlockCopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (end == buf.Length)
                {
                    // One line longer than the buffer (e.g. a big JSON array on one line): grow.
                    var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                    Buffer.BlockCopy(buf, 0, bigger, 0, end);
                    ArrayPool<byte>.Shared.Return(buf);
                    buf = bigger;
                }
                int n = ReadChunk(input, buf, end, source, line);
                if (n == 0) eof = true;
                else
                {
                    end += n;
                    total += n;
                }
            }
            if (!anyContent && !options.AllowEmpty)
                throw new DataFormatException(source, gzip ? "the file is empty (no JSON lines after decompression)" : "the file is empty (expected JSON lines of UE reports)", 1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
        return Finish(builder, source, options);
    }

    private static int ReadChunk(Stream input, byte[] buf, int end, string source, long line)
    {
        try
        {
            return input.Read(buf, end, buf.Length - end);
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(source, $"the gzip data is corrupt ({ex.Message})", line, null, ex);
        }
    }

    private static void CheckSize(bool gzip, bool sizeUnknown, long total, uint expectedSize, string source, long line)
    {
        if (gzip && !sizeUnknown && (uint)total != expectedSize)
            throw new DataFormatException(source, $"the gzip data is truncated or corrupt: {total} bytes decompressed, the trailer announces {expectedSize} (mod 2^32)", line);
    }

    // JSON lines hold one complete value a line; a first line that opens an array or is a lone '{' starts a document.
    private static bool StartsDocument(ReadOnlySpan<byte> firstLine, long line)
    {
        if (line == 1 && firstLine.StartsWith("\uFEFF"u8)) firstLine = firstLine[3..];
        firstLine = firstLine.Trim(" \t\r"u8);
        if (firstLine.IsEmpty) return false;
        return firstLine[0] == (byte)'[' || firstLine.SequenceEqual("{"u8);
    }

    private static bool ParseLine(ReadOnlySpan<byte> line, long lineNumber, string source, UeRowBuilder builder, TextInterner interner)
    {
        if (lineNumber == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty) return false;
        var parser = new UeJsonParser(line, lineNumber, countLines: false, source, builder, interner);
        parser.ParseAll(flat: false);
        return true;
    }

    private static KpiTable Finish(UeRowBuilder builder, string source, KpiReadOptions options)
    {
        int unlabelled = builder.FirstUnlabelledRow();
        if (unlabelled >= 0)
            throw new DataFormatException(source, "this UE record has no 'Anomaly' label while other records have one", builder.LineOf(unlabelled), UeSchema.Label);
        if (builder.Count == 0 && !options.AllowEmpty)
            throw new DataFormatException(source, "the input holds no UE records");
        var columns = builder.ToColumns();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in columns) names.Add(c.Name);
        var plan = ReadRolePlan.Build(names, options, source, null, ueSchema: true);
        return new KpiTable(plan.Apply(columns, source), source);
    }
}
