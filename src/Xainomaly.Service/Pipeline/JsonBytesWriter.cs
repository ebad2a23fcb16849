using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// A minimal UTF-8 JSON appender for the fixed shapes of <see cref="RecordBytes"/>: the caller writes the structure
/// (braces, commas, pre-encoded property names) and this writes strings and numbers byte for byte as
/// <see cref="Utf8JsonWriter"/> does with its default options (the default encoder's escaping, shortest round-trip
/// numbers). No validation and no state: one reused buffer per thread.
/// </summary>
internal sealed class JsonBytesWriter
{
    // ASCII characters the default encoder writes as they are (asked of the encoder itself, so the two cannot drift).
    private static readonly bool[] Plain = BuildPlain();

    private byte[] _buffer = new byte[4096];
    private ArrayBufferWriter<byte>? _slowBuffer;
    private Utf8JsonWriter? _slowWriter;
    private int _length;

    /// <summary>Bytes written since the last <see cref="Clear"/>.</summary>
    public int Length => _length;

    /// <summary>The bytes written.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Forgets what was written (the buffer is kept).</summary>
    public void Clear() => _length = 0;

    /// <summary>Appends bytes as they are (structure, pre-encoded names, pre-formatted values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Appends one structural byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    /// <summary>Appends a finite number; returns where its text starts (its length is <see cref="Length"/> minus that).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Number(double value)
    {
        Ensure(JsonNumber.MaxLength);
        int at = _length;
        _length += JsonNumber.Write(value, _buffer.AsSpan(_length));
        return at;
    }

    /// <summary>Appends a number, or <c>null</c> when the value is missing or not finite (JSON has no NaN).</summary>
    public void NumberOrNull(double? value)
    {
        if (value is { } v && double.IsFinite(v)) Number(v);
        else Raw("null"u8);
    }

    /// <summary>Appends an integer.</summary>
    public void Integer(long value)
    {
        Ensure(24);
        value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Appends a JSON string (quoted and escaped as Utf8JsonWriter escapes by default).</summary>
    public void String(string value)
    {
        int n = value.Length;
        Ensure(n + 2);
        var buffer = _buffer;
        int at = _length;
        buffer[at++] = (byte)'"';
        for (int i = 0; i < n; i++)
        {
            char c = value[i];
            if (c >= 128 || !Plain[c])
            {
                StringSlow(value);
                return;
            }
            buffer[at++] = (byte)c;
        }
        buffer[at++] = (byte)'"';
        _length = at;
    }

    /// <summary>The encoded property name <c>"name":</c> as bytes (for caching by the caller).</summary>
    public static byte[] PropertyName(string name)
    {
        var encoded = JsonEncodedText.Encode(name).EncodedUtf8Bytes;
        var bytes = new byte[encoded.Length + 3];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^2] = (byte)'"';
        bytes[^1] = (byte)':';
        return bytes;
    }

    // Anything outside plain ASCII (rare: names and ids are ASCII in practice) goes through a Utf8JsonWriter, which
    // also decides what happens to invalid UTF-16 (a lone surrogate), so the bytes stay those it writes.
    private void StringSlow(string value)
    {
        _slowBuffer ??= new ArrayBufferWriter<byte>(256);
        _slowBuffer.ResetWrittenCount();
        if (_slowWriter is null) _slowWriter = new Utf8JsonWriter(_slowBuffer);
        else _slowWriter.Reset(_slowBuffer);
        _slowWriter.WriteStringValue(value);
        _slowWriter.Flush();
        Raw(_slowBuffer.WrittenSpan);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length) Grow(more);
    }

    private void Grow(int more) => Array.Resize(ref _buffer, Math.Max(_length + more, _buffer.Length * 2));

    private static bool[] BuildPlain()
    {
        var plain = new bool[128];
        Span<char> one = stackalloc char[1];
        for (int c = 0; c < 128; c++)
        {
            one[0] = (char)c;
            var encoded = JsonEncodedText.Encode(one).EncodedUtf8Bytes;
            plain[c] = encoded.Length == 1 && encoded[0] == c;
        }
        return plain;
    }
}
