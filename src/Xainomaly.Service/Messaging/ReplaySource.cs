using System.IO.Compression;

using Xainomaly.Data;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Reads the messages <c>xainomaly replay</c> sends: UE report JSON lines (<c>ue.json.gz</c>, gzip by content), JSON
/// lines of flat rows, or CSV rows (turned into UE reports in the wire format, one per (du-id, timestamp)).
/// </summary>
public static class ReplaySource
{
    // Decompressed bytes are read in blocks of at least this size (a whole gzip file in one block when its trailer
    // gives the size); messages are slices of the blocks, so nothing is copied line by line.
    private const int MinBlock = 1 << 20;

    /// <summary>Reads up to <paramref name="limit"/> UE records (whole messages; all when null).</summary>
    /// <remarks>JSON lines are decompressed and split as they stream in, so a small limit reads only the start of the file.</remarks>
    public static IReadOnlyList<ReplayMessage> Load(string path, long? limit)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "--limit must be at least 1.");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> head = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head[0] == 0x1f && head[1] == 0x8b;
        long hint = file.Length;
        if (gzip && file.Length >= 18)
        {
            // The gzip trailer holds the uncompressed size modulo 2^32: a good first block size (only a hint).
            Span<byte> size = stackalloc byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(size);
            hint = Math.Max(hint, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(size));
        }
        file.Position = 0;
        using Stream input = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        var splitter = new LineSplitter(path, limit);
        // Uninitialised: a limited replay touches (and the kernel maps) only the pages it decompresses into.
        byte[] block = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(hint + 1, MinBlock, Array.MaxLength));
        int length = 0;
        bool checkedFormat = false;
        while (!splitter.Full)
        {
            if (length == block.Length)
            {
                // Full block: carry the unfinished line into a new one (earlier messages keep the old block alive).
                int tail = length - splitter.Consumed;
                var next = GC.AllocateUninitializedArray<byte>((int)Math.Min(Math.Max((long)block.Length, 2L * tail + MinBlock), Array.MaxLength));
                block.AsSpan(splitter.Consumed, tail).CopyTo(next);
                block = next;
                length = tail;
                splitter.Restart();
            }
            int n = Read(input, block.AsMemory(length), path);
            length += n;
            if (!checkedFormat && (length >= 4096 || n == 0))
            {
                checkedFormat = true;
                if (!KpiTableReader.IsJson(block.AsSpan(0, Math.Min(length, 4096))))
                {
                    // CSV: read with the product's reader (both namings, every check), write the wire format, replay that.
                    using var all = new MemoryStream();
                    all.Write(block, 0, length);
                    Copy(input, all, path);
                    all.Position = 0;
                    var table = KpiTableReader.Read(all, path);
                    using var wire = new MemoryStream();
                    UeReportJsonWriter.Write(table, wire);
                    byte[] bytes = wire.ToArray();
                    var csv = new LineSplitter(path, limit);
                    csv.Split(bytes, bytes.Length, end: true);
                    return csv.Finish();
                }
            }
            if (!checkedFormat) continue;
            splitter.Split(block, length, end: n == 0);
            if (n == 0) break;
        }
        return splitter.Finish();
    }

    private static int Read(Stream input, Memory<byte> into, string path)
    {
        try
        {
            return input.Read(into.Span);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a valid gzip file ({e.Message})", inner: e);
        }
    }

    private static void Copy(Stream input, Stream into, string path)
    {
        try
        {
            input.CopyTo(into);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a valid gzip file ({e.Message})", inner: e);
        }
    }

    // Cuts complete lines out of a block into messages (slices of the block), counting their UE records.
    private sealed class LineSplitter(string path, long? limit)
    {
        private readonly List<ReplayMessage> _messages = [];
        private long _records;
        private long _line;

        // Start of the first line not yet cut in the current block.
        public int Consumed { get; private set; }

        public bool Full => limit is { } l && _records >= l;

        public void Restart() => Consumed = 0;

        public void Split(byte[] block, int length, bool end)
        {
            int start = Consumed;
            while (start < length && !Full)
            {
                int nl = block.AsSpan(start, length - start).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    if (!end) break; // an unfinished line: wait for more bytes
                    nl = length - start;
                }
                _line++;
                var line = block.AsMemory(start, nl);
                var trimmed = line.Span.Trim(" \t\r"u8);
                if (!trimmed.IsEmpty)
                {
                    if (trimmed[0] != (byte)'{') throw new DataFormatException(path, "expected a JSON object on each line (a UE report or a flat row)", _line);
                    int lead = line.Span.Length - line.Span.TrimStart(" \t\r"u8).Length;
                    int n = CountRecords(trimmed);
                    _messages.Add(new ReplayMessage(line.Slice(lead, trimmed.Length), n));
                    _records += n;
                }
                start += nl + 1;
            }
            Consumed = Math.Min(start, length);
        }

        public List<ReplayMessage> Finish()
        {
            if (_messages.Count == 0) throw new DataFormatException(path, "no records to replay");
            return _messages;
        }
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
