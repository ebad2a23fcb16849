namespace Xainomaly.Data;

/// <summary>
/// One typed column of a <see cref="KpiTable"/>: numbers for numeric and label columns, text for the rest.
/// Exactly one of <see cref="Numbers"/> and <see cref="Texts"/> is set.
/// </summary>
public sealed class KpiColumn
{
    /// <summary>Creates a numeric column.</summary>
    public KpiColumn(string name, ColumnRole role, double[] numbers)
    {
        Name = name;
        Role = role;
        Numbers = numbers;
    }

    /// <summary>Creates a text column (identifiers, timestamps, nominal values).</summary>
    public KpiColumn(string name, ColumnRole role, string[] texts)
    {
        Name = name;
        Role = role;
        Texts = texts;
    }

    /// <summary>Column name in the product's canonical schema.</summary>
    public string Name { get; }

    /// <summary>What the column is for.</summary>
    public ColumnRole Role { get; }

    /// <summary>Values of a numeric column, else null.</summary>
    public double[]? Numbers { get; }

    /// <summary>Values of a text column, else null.</summary>
    public string[]? Texts { get; }

    /// <summary>True when the column holds numbers.</summary>
    public bool IsNumeric => Numbers is not null;

    /// <summary>Number of rows.</summary>
    public int Length => Numbers?.Length ?? Texts!.Length;

    /// <summary>The same values under another role.</summary>
    public KpiColumn WithRole(ColumnRole role) =>
        Numbers is not null ? new KpiColumn(Name, role, Numbers) : new KpiColumn(Name, role, Texts!);

    /// <summary>The value at <paramref name="row"/> as text (numbers in invariant round-trip form).</summary>
    public string FormatValue(int row) =>
        Numbers is not null
            ? Numbers[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture)
            : Texts![row];

    /// <summary>A new column holding only the given rows, in that order.</summary>
    public KpiColumn Select(ReadOnlySpan<int> rows)
    {
        if (Numbers is not null)
        {
            var n = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++) n[i] = Numbers[rows[i]];
            return new KpiColumn(Name, Role, n);
        }
        var t = new string[rows.Length];
        for (int i = 0; i < rows.Length; i++) t[i] = Texts![rows[i]];
        return new KpiColumn(Name, Role, t);
    }
}
