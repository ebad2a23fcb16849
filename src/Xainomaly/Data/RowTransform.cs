using System.Globalization;

namespace Xainomaly.Data;

/// <summary>
/// A fitted <see cref="Preprocessor"/> applied to rows held as value arrays in a fixed column layout (numbers row by
/// row, texts row by row) instead of a <see cref="KpiTable"/>: what a stream of records needs, where building a table
/// per batch costs more than the transform. Gives bit for bit the values of
/// <see cref="Preprocessor.Transform(KpiTable, Span{float})"/> on the same rows. Made by <see cref="Preprocessor.ForRows"/>.
/// </summary>
public sealed class RowTransform
{
    private readonly Step[] _steps;
    private readonly string[] _columns;
    private readonly bool _clip;

    internal RowTransform(Step[] steps, string[] columns, int numericWidth, int textWidth, int width, bool clip)
    {
        _steps = steps;
        _columns = columns;
        NumericWidth = numericWidth;
        TextWidth = textWidth;
        Width = width;
        _clip = clip;
        foreach (var s in steps) ReadsText |= s.Text;
    }

    /// <summary>Numbers per row in the layout.</summary>
    public int NumericWidth { get; }

    /// <summary>Texts per row in the layout.</summary>
    public int TextWidth { get; }

    /// <summary>True when an input reads the texts (a one-hot column held as text, or a timestamp given as text).</summary>
    public bool ReadsText { get; }

    /// <summary>Output values per row (the preprocessor's <see cref="Preprocessor.InputWidth"/>).</summary>
    public int Width { get; }

    /// <summary>
    /// Writes the row-major <paramref name="count"/>×<see cref="Width"/> matrix of <paramref name="count"/> rows given
    /// as <paramref name="numbers"/> (<paramref name="count"/>×<see cref="NumericWidth"/>) and
    /// <paramref name="texts"/> (<paramref name="count"/>×<see cref="TextWidth"/>; may be empty when
    /// <see cref="ReadsText"/> is false).
    /// </summary>
    /// <exception cref="DataFormatException">A value is not finite, or a timestamp text is not a time.</exception>
    public TransformReport Transform(ReadOnlySpan<double> numbers, ReadOnlySpan<string> texts, int count, Span<float> destination, string? source = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Width, nw = NumericWidth, tw = TextWidth;
        if (destination.Length < count * d)
            throw new ArgumentException($"Destination holds {destination.Length} values; {count} rows × {d} features need {count * d}.", nameof(destination));
        if (numbers.Length < count * nw)
            throw new ArgumentException($"{numbers.Length} numbers given; {count} rows × {nw} columns need {count * nw}.", nameof(numbers));
        if (ReadsText && texts.Length < count * tw)
            throw new ArgumentException($"{texts.Length} texts given; {count} rows × {tw} columns need {count * tw}.", nameof(texts));
        source ??= "the rows";
        Span<int> counts = _steps.Length <= 256 ? stackalloc int[_steps.Length] : new int[_steps.Length];
        counts.Clear();
        Dictionary<string, double>? seconds = null;
        for (int r = 0; r < count; r++)
        {
            var row = numbers.Slice(r * nw, nw);
            var x = destination.Slice(r * d, d);
            for (int s = 0; s < _steps.Length; s++)
            {
                ref readonly var step = ref _steps[s];
                if (step.Index is { } index)
                {
                    var hot = x.Slice(step.Offset, step.Categories);
                    hot.Clear();
                    var value = step.Text ? texts[(r * tw) + step.Source] : row[step.Source].ToString("R", CultureInfo.InvariantCulture);
                    if (index.TryGetValue(value, out int j)) hot[j] = 1f;
                    else counts[s]++;
                    continue;
                }
                double v = step.Text ? Seconds(texts[(r * tw) + step.Source], r, s, source, ref seconds) : row[step.Source];
                if (!double.IsFinite(v)) throw new DataFormatException(source, $"row {r + 1} holds {v}; the model needs finite numbers", null, _columns[s]);
                if (v < step.Min || v > step.Max)
                {
                    counts[s]++;
                    if (_clip) v = v < step.Min ? step.Min : step.Max;
                }
                x[step.Offset] = (float)((v - step.Min) * step.Inverse);
            }
        }
        var unseen = new Dictionary<string, int>(StringComparer.Ordinal);
        var outOfRange = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int s = 0; s < _steps.Length; s++) (_steps[s].Index is null ? outOfRange : unseen)[_columns[s]] = counts[s];
        return new TransformReport(count, unseen, outOfRange);
    }

    // The timestamp as the table transform reads it: seconds since the Unix epoch, each distinct text parsed once.
    private double Seconds(string text, int row, int step, string source, ref Dictionary<string, double>? cache)
    {
        cache ??= new Dictionary<string, double>(StringComparer.Ordinal);
        if (cache.TryGetValue(text, out double v)) return v;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new DataFormatException(source, $"row {row + 1}: '{text}' is not a timestamp (expected ISO 8601, e.g. 2021-06-25T11:42:33.685)", null, _columns[step]);
        v = (t - DateTime.UnixEpoch).TotalSeconds;
        cache[text] = v;
        return v;
    }

    /// <summary>One input of the preprocessor, resolved against the layout.</summary>
    /// <param name="Source">Position of the input's column among the numbers (or the texts when <paramref name="Text"/>).</param>
    /// <param name="Text">The column is read from the texts.</param>
    /// <param name="Offset">First output column.</param>
    /// <param name="Min">Training minimum (numeric inputs).</param>
    /// <param name="Max">Training maximum (numeric inputs).</param>
    /// <param name="Inverse">1 / (max − min), or 0 for a constant column, as the table transform computes it.</param>
    /// <param name="Index">Category → position for a one-hot input, else null.</param>
    /// <param name="Categories">Number of categories of a one-hot input.</param>
    internal readonly record struct Step(int Source, bool Text, int Offset, double Min, double Max, double Inverse, Dictionary<string, int>? Index, int Categories);
}
