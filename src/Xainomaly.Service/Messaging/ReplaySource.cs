using System.IO.Compression;

using Xainomaly.Data;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Reads the messages <c>xainomaly replay</c> sends: UE report JSON lines (<c>ue.json.gz</c>, gzip by content), JSON
/// lines of flat rows, or CSV rows (turned into UE reports in the wire format, one per (du-id, timestamp)).
/// </summary>
public static class ReplaySource
{
    /// <summary>Reads up to <paramref name="limit"/> UE records (whole messages; all when null).</summary>
    public static IReadOnlyList<ReplayMessage> Load(string path, long? limit)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "--limit must be at least 1.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            try
            {
                gz.CopyTo(plain);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(path, $"not a valid gzip file ({e.Message})", inner: e);
            }
            bytes = plain.ToArray();
        }
        if (!KpiTableReader.IsJson(bytes.AsSpan(0, Math.Min(bytes.Length, 4096))))
        {
            // CSV: read with the product's reader (both namings, every check), write the wire format, replay that.
            var table = KpiTableReader.Read(new MemoryStream(bytes), path);
            using var wire = new MemoryStream();
            UeReportJsonWriter.Write(table, wire);
            bytes = wire.ToArray();
        }
        return SplitLines(bytes, path, limit);
    }

    private static List<ReplayMessage> SplitLines(byte[] bytes, string path, long? limit)
    {
        var messages = new List<ReplayMessage>();
        long records = 0;
        int start = 0;
        long line = 0;
        while (start < bytes.Length && (limit is null || records < limit))
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            line++;
            var span = bytes.AsSpan(start, end - start).Trim(" \t\r"u8);
            if (!span.IsEmpty)
            {
                if (span[0] != (byte)'{') throw new DataFormatException(path, "expected a JSON object on each line (a UE report or a flat row)", line);
                int n = CountRecords(span);
                messages.Add(new ReplayMessage(span.ToArray(), n));
                records += n;
            }
            start = end + 1;
        }
        if (messages.Count == 0) throw new DataFormatException(path, "no records to replay");
        return messages;
    }

    // Each UE record names its UE once; a flat row (or a line that names none) counts as one record.
    private static int CountRecords(ReadOnlySpan<byte> json)
    {
        int n = 0;
        int i;
        while ((i = json.IndexOf("\"ue-id\""u8)) >= 0)
        {
            n++;
            json = json[(i + 7)..];
        }
        return Math.Max(n, 1);
    }
}
