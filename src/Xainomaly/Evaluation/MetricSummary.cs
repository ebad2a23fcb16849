using System.Globalization;

namespace Xainomaly.Evaluation;

/// <summary>
/// Mean ± sample standard deviation of one figure over repeated runs (e.g. UAR over 5 seeds in the label-budget
/// table). The standard deviation uses n − 1 (numpy's <c>ddof=1</c>) and is NaN for a single run, where it is undefined.
/// </summary>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1 in the denominator); NaN when <paramref name="Count"/> is 1.</param>
/// <param name="Count">Number of runs.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record MetricSummary(double Mean, double StandardDeviation, int Count, double Min, double Max)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">No values, or a NaN value (its index is named).</exception>
    public static MetricSummary Of(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new ArgumentException("values is empty; a summary needs at least one run.", nameof(values));
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v)) throw new ArgumentException($"values[{i}] is NaN; expected a number.", nameof(values));
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double mean = sum / values.Length;
        if (values.Length == 1) return new MetricSummary(mean, double.NaN, 1, min, max);
        // Two passes: the centred sum of squares does not cancel catastrophically the way Σv² − n·mean² can.
        double ss = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double d = values[i] - mean;
            ss += d * d;
        }
        return new MetricSummary(mean, Math.Sqrt(ss / (values.Length - 1)), values.Length, min, max);
    }

    /// <summary>
    /// "mean ± std" with <paramref name="format"/> applied to both after multiplying by <paramref name="scale"/>
    /// (e.g. <c>Format("0.00", 100)</c> gives "80.17 ± 0.60" for UAR as percent); a single run prints as "mean ± n/a".
    /// </summary>
    public string Format(string format = "0.0000", double scale = 1.0)
    {
        string mean = (Mean * scale).ToString(format, CultureInfo.InvariantCulture);
        string std = double.IsNaN(StandardDeviation) ? "n/a" : (StandardDeviation * scale).ToString(format, CultureInfo.InvariantCulture);
        return $"{mean} ± {std}";
    }

    /// <summary>"mean ± std (n=count)".</summary>
    public override string ToString() => $"{Format()} (n={Count})";
}
