using System.IO.Compression;

namespace Xainomaly.Data;

/// <summary>Opens an output file for the writers, gzip-compressed when the path ends in <c>.gz</c>.</summary>
internal static class OutputFile
{
    /// <summary>Creates (or truncates) <paramref name="path"/>; the returned stream owns the file.</summary>
    public static Stream Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return file;
        // GZipStream writes a fixed header (no file name, zero mtime), so equal input gives equal bytes.
        return new GZipStream(file, CompressionLevel.Optimal, leaveOpen: false);
    }
}
