using System.Text.Json;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Pre-encoded JSON property names by position: the KPI dictionaries of a stream of records enumerate the same names
/// in the same order, so the writer can skip escaping and transcoding each name of each record. Not thread-safe: one
/// instance per writer. Holds both forms: <see cref="JsonEncodedText"/> for a <see cref="Utf8JsonWriter"/> and the raw
/// <c>"name":</c> bytes for a <see cref="JsonBytesWriter"/>.
/// </summary>
internal sealed class JsonNameCache
{
    private string?[] _names = new string?[32];
    private JsonEncodedText[] _encoded = new JsonEncodedText[32];
    private byte[][] _raw = new byte[32][];

    /// <summary>The encoded form of <paramref name="name"/>, seen at <paramref name="position"/> of an enumeration.</summary>
    public JsonEncodedText Get(int position, string name)
    {
        // A reference check first: the names usually are the very same string instances (a table's column names).
        if ((uint)position < (uint)_names.Length && ReferenceEquals(_names[position], name)) return _encoded[position];
        return Miss(position, name);
    }

    /// <summary>The bytes <c>"name":</c> (escaped) of <paramref name="name"/>, seen at <paramref name="position"/>.</summary>
    public byte[] Property(int position, string name)
    {
        if ((uint)position < (uint)_names.Length && ReferenceEquals(_names[position], name)) return _raw[position];
        Miss(position, name);
        return _raw[position];
    }

    private JsonEncodedText Miss(int position, string name)
    {
        if (position >= _names.Length)
        {
            int size = Math.Max(position + 1, _names.Length * 2);
            Array.Resize(ref _names, size);
            Array.Resize(ref _encoded, size);
            Array.Resize(ref _raw, size);
        }
        if (!string.Equals(_names[position], name, StringComparison.Ordinal))
        {
            _encoded[position] = JsonEncodedText.Encode(name);
            _raw[position] = JsonBytesWriter.PropertyName(name);
        }
        _names[position] = name;
        return _encoded[position];
    }
}
