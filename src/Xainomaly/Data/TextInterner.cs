using System.Text;

namespace Xainomaly.Data;

/// <summary>
/// Turns UTF-8 cells into shared strings: identifiers, cells and timestamps repeat thousands of times, so one
/// string per distinct value saves both allocation and memory.
/// </summary>
internal sealed class TextInterner
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[256];

    public TextInterner() => _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared string for <paramref name="chars"/>.</summary>
    public string Intern(ReadOnlySpan<char> chars)
    {
        if (_lookup.TryGetValue(chars, out var existing)) return existing;
        var s = new string(chars);
        _set.Add(s);
        return s;
    }

    /// <summary>The shared string for UTF-8 <paramref name="utf8"/>.</summary>
    public string Intern(ReadOnlySpan<byte> utf8)
    {
        int max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (max > _chars.Length) _chars = new char[Math.Max(max, _chars.Length * 2)];
        int n = Encoding.UTF8.GetChars(utf8, _chars);
        return Intern(_chars.AsSpan(0, n));
    }
}
