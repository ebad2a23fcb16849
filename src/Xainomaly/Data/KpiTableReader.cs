namespace Xainomaly.Data;

/// <summary>Reads any supported KPI file into a <see cref="KpiTable"/>, choosing the format by content, not by name.</summary>
public static class KpiTableReader
{
    /// <summary>
    /// Reads <paramref name="path"/>: gzip data or text starting with <c>{</c> or <c>[</c> (after a BOM and
    /// whitespace) is UE report JSON (<see cref="UeReportJsonReader"/>), anything else CSV (<see cref="KpiCsvReader"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names the path).</exception>
    /// <exception cref="DataFormatException">The content is not valid.</exception>
    public static KpiTable Read(string path, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var head = new byte[256];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        fs.Position = 0;
        // CSV is parsed from one array of the whole file; reading it by path avoids a growing copy.
        return IsJson(head.AsSpan(0, n)) ? UeReportJsonReader.Read(fs, path, options) : KpiCsvReader.Read(path, options);
    }

    /// <summary>Reads a stream, choosing the format by content as <see cref="Read(string, KpiReadOptions?)"/> does.</summary>
    public static KpiTable Read(Stream stream, string sourceName, KpiReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long origin = stream.Position;
        var head = new byte[256];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = origin;
        return IsJson(head.AsSpan(0, n))
            ? UeReportJsonReader.Read(stream, sourceName, options)
            : KpiCsvReader.Read(stream, sourceName, options);
    }

    /// <summary>True when <paramref name="head"/> (the first bytes of some content) is gzip or starts a JSON value.</summary>
    public static bool IsJson(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b) return true;
        if (head.StartsWith("\uFEFF"u8)) head = head[3..];
        head = head.TrimStart(" \t\r\n"u8);
        return !head.IsEmpty && (head[0] == (byte)'{' || head[0] == (byte)'[');
    }
}
