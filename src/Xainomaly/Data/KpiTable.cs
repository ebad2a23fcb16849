namespace Xainomaly.Data;

/// <summary>
/// A typed, column-oriented table of KPI records with one schema, whatever the source
/// (CSV in either naming, UE report JSON, the simulators, the stream).
/// </summary>
public sealed class KpiTable
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a table; all columns must have the same length and distinct names.</summary>
    public KpiTable(IReadOnlyList<KpiColumn> columns, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        Source = source;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length != RowCount)
                throw new ArgumentException($"Column '{columns[i].Name}' has {columns[i].Length} rows, expected {RowCount}.");
            if (!_index.TryAdd(columns[i].Name, i))
                throw new ArgumentException($"Duplicate column '{columns[i].Name}'.");
        }
    }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<KpiColumn> Columns { get; }

    /// <summary>Where the rows came from (a file path, "simulator", …), for messages and provenance.</summary>
    public string? Source { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The column called <paramref name="name"/>.</summary>
    public KpiColumn this[string name] =>
        TryGetColumn(name, out var c) ? c : throw new KeyNotFoundException($"No column '{name}' in {Source ?? "the table"}.");

    /// <summary>Looks a column up by name.</summary>
    public bool TryGetColumn(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KpiColumn? column)
    {
        if (_index.TryGetValue(name, out int i))
        {
            column = Columns[i];
            return true;
        }
        column = null;
        return false;
    }

    /// <summary>The label column, if the table has one.</summary>
    public KpiColumn? LabelColumn
    {
        get
        {
            foreach (var c in Columns) if (c.Role == ColumnRole.Label) return c;
            return null;
        }
    }

    /// <summary>The labels as 0/1 integers; throws when the table has no label column.</summary>
    public int[] Labels()
    {
        var c = LabelColumn ?? throw new InvalidOperationException($"{Source ?? "The table"} has no label column.");
        var y = new int[RowCount];
        for (int i = 0; i < y.Length; i++) y[i] = c.Numbers![i] != 0 ? 1 : 0;
        return y;
    }

    /// <summary>A new table with only the given rows, in that order.</summary>
    public KpiTable SelectRows(ReadOnlySpan<int> rows)
    {
        var cols = new KpiColumn[Columns.Count];
        for (int i = 0; i < cols.Length; i++) cols[i] = Columns[i].Select(rows);
        return new KpiTable(cols, Source);
    }

    /// <summary>Rows of <paramref name="other"/> appended below these; both must have the same column names and kinds.</summary>
    public KpiTable Concat(KpiTable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var cols = new KpiColumn[Columns.Count];
        for (int i = 0; i < cols.Length; i++)
        {
            var a = Columns[i];
            if (!other.TryGetColumn(a.Name, out var b) || b.IsNumeric != a.IsNumeric)
                throw new ArgumentException($"Cannot append {other.Source ?? "table"}: column '{a.Name}' is missing or of another type.");
            cols[i] = a.IsNumeric
                ? new KpiColumn(a.Name, a.Role, [.. a.Numbers!, .. b.Numbers!])
                : new KpiColumn(a.Name, a.Role, [.. a.Texts!, .. b.Texts!]);
        }
        return new KpiTable(cols, Source);
    }
}
