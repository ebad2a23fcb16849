using System.Diagnostics.CodeAnalysis;

namespace Xainomaly.Reporting;

/// <summary>Argument checks shared by the figures, so each complaint names the series, the index and what was expected.</summary>
internal static class FigureGuard
{
    public static int Pixels(int value, string name) =>
        value is >= 100 and <= 8000 ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} is {value} pixels; expected 100 to 8000.");

    public static string Name(string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"{what} has no name; expected a non-empty name for the legend.", what);
        return name;
    }

    /// <summary>Copies <paramref name="values"/>, checking it is non-empty and every value is finite.</summary>
    public static double[] Finite(IReadOnlyList<double>? values, string what, bool allowEmpty = false)
    {
        if (values is null) throw new ArgumentNullException(what, $"{what} is null; expected a list of numbers.");
        if (values.Count == 0 && !allowEmpty) throw new ArgumentException($"{what} is empty; expected at least one value.", what);
        var copy = new double[values.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) ThrowNotFinite(what, i, v);
            copy[i] = v;
        }
        return copy;
    }

    public static void SameLength(int expected, int actual, string what, string reference)
    {
        if (expected != actual)
            throw new ArgumentException($"{what} has {actual} values but {reference} has {expected}; expected one per point.", what);
    }

    [DoesNotReturn]
    public static void ThrowNotFinite(string what, int index, double value) =>
        throw new ArgumentException($"{what}[{index}] is {value}; expected a finite number.", what);

    public static void NotEmpty<T>(IReadOnlyCollection<T>? items, string what)
    {
        if (items is null) throw new ArgumentNullException(what, $"{what} is null; expected at least one.");
        if (items.Count == 0) throw new ArgumentException($"{what} is empty; expected at least one.", what);
    }
}
