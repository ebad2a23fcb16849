using System.Security.Cryptography;
using System.Text;

namespace Xainomaly.Persistence;

/// <summary>
/// The model file container: a magic number, the format version, named binary sections and a SHA-256 checksum of
/// everything before it. A file written by another format version, cut short, altered or of another kind is refused
/// with an <see cref="InvalidDataException"/> that says which of these it is.
/// </summary>
/// <remarks>
/// Layout (little-endian): "XAINOMLY" (8 bytes) · format version (uint16) · section count (int32) ·
/// per section: name (length-prefixed UTF-8) · length (int64) · bytes · then SHA-256 (32 bytes) of all preceding bytes.
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const ushort FormatVersion = 1;

    private static readonly byte[] Magic = "XAINOMLY"u8.ToArray();

    /// <summary>Writes <paramref name="sections"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, byte[]> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var bytes = ToBytes(sections);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>The file's bytes for <paramref name="sections"/> (sections in ordinal name order, so the same model gives the same bytes).</summary>
    public static byte[] ToBytes(IReadOnlyDictionary<string, byte[]> sections)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(sections.Count);
            foreach (var name in sections.Keys.Order(StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write((long)sections[name].Length);
                w.Write(sections[name]);
            }
        }
        var hash = SHA256.HashData(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        ms.Write(hash);
        return ms.ToArray();
    }

    /// <summary>Reads and verifies a model file; the message of any failure names the file.</summary>
    public static IReadOnlyDictionary<string, byte[]> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found.", path);
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Verifies and splits a model file's bytes.</summary>
    public static IReadOnlyDictionary<string, byte[]> FromBytes(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{sourceName}: not a Xainomaly model file (it does not start with the model file signature).");
        if (bytes.Length < Magic.Length + 2 + 4 + 32)
            throw new InvalidDataException($"{sourceName}: the model file is truncated ({bytes.Length} bytes).");
        ushort version = BitConverter.ToUInt16(bytes, Magic.Length);
        if (version != FormatVersion)
            throw new InvalidDataException($"{sourceName}: model file format version {version}; this build of Xainomaly reads version {FormatVersion}. Retrain or use the matching version.");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        var expected = bytes.AsSpan(bytes.Length - 32);
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(body, actual);
        if (!actual.SequenceEqual(expected))
            throw new InvalidDataException($"{sourceName}: the model file is corrupted or truncated (checksum mismatch).");
        try
        {
            using var ms = new MemoryStream(bytes, 0, bytes.Length - 32, writable: false);
            using var r = new BinaryReader(ms, Encoding.UTF8);
            r.ReadBytes(Magic.Length);
            r.ReadUInt16();
            int count = r.ReadInt32();
            if (count < 0 || count > 4096) throw new InvalidDataException($"{sourceName}: implausible section count {count}.");
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                var name = r.ReadString();
                long length = r.ReadInt64();
                if (length < 0 || length > ms.Length - ms.Position)
                    throw new InvalidDataException($"{sourceName}: section '{name}' claims {length} bytes, more than the file holds.");
                sections[name] = r.ReadBytes((int)length);
            }
            if (ms.Position != ms.Length) throw new InvalidDataException($"{sourceName}: unexpected bytes after the last section.");
            return sections;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{sourceName}: the model file is truncated.", e);
        }
    }
}
