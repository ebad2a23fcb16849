using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

using Xainomaly.Data;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// The numeric KPIs of one UE record as a read-only dictionary over its values in canonical order
/// (<see cref="UeSchema.NumericColumns"/>): one shared name array instead of a dictionary per record. Enumerates in
/// canonical order, the order the records' tables had.
/// </summary>
internal sealed class KpiView : IReadOnlyDictionary<string, double>
{
    /// <summary>The KPI names, in the order of the values.</summary>
    public static readonly string[] Names = [.. UeSchema.NumericColumns];

    private static readonly FrozenDictionary<string, int> Slots = BuildSlots();

    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/> (<see cref="Names"/>.Length numbers, not copied: the caller hands them over).</summary>
    public KpiView(double[] values)
    {
        if (values.Length != Names.Length) throw new ArgumentException($"Expected {Names.Length} KPI values, got {values.Length}.", nameof(values));
        _values = values;
    }

    /// <summary>The values in canonical order.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The position of a KPI name in <see cref="Names"/>, or -1.</summary>
    public static int SlotOf(string name) => Slots.TryGetValue(name, out int i) ? i : -1;

    public int Count => _values.Length;

    public IEnumerable<string> Keys => Names;

    IEnumerable<double> IReadOnlyDictionary<string, double>.Values => _values;

    public double this[string key] => Slots.TryGetValue(key, out int i) ? _values[i] : throw new KeyNotFoundException($"No KPI '{key}'.");

    public bool ContainsKey(string key) => Slots.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        if (Slots.TryGetValue(key, out int i))
        {
            value = _values[i];
            return true;
        }
        value = 0;
        return false;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (int i = 0; i < _values.Length; i++) yield return new KeyValuePair<string, double>(Names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static FrozenDictionary<string, int> BuildSlots()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Names.Length; i++) d[Names[i]] = i;
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
