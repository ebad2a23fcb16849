namespace Xainomaly.Data;

/// <summary>What <c>xainomaly inspect</c> prints about a table: its size and one <see cref="ColumnSummary"/> per column.</summary>
/// <param name="Source">Where the rows came from.</param>
/// <param name="RowCount">Number of rows.</param>
/// <param name="Columns">Per-column summaries, in table order.</param>
public sealed record SchemaSummary(string? Source, int RowCount, IReadOnlyList<ColumnSummary> Columns)
{
    /// <summary>The label's positive rate, or null when the table has no label.</summary>
    public double? PositiveRate
    {
        get
        {
            foreach (var c in Columns) if (c.Role == ColumnRole.Label) return c.PositiveRate;
            return null;
        }
    }

    /// <summary>Summarises every column of <paramref name="table"/>.</summary>
    public static SchemaSummary Of(KpiTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var cols = new ColumnSummary[table.Columns.Count];
        for (int i = 0; i < cols.Length; i++) cols[i] = Summarise(table.Columns[i]);
        return new SchemaSummary(table.Source, table.RowCount, cols);
    }

    private static ColumnSummary Summarise(KpiColumn c)
    {
        if (c.Texts is { } texts)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            int empty = 0;
            foreach (var t in texts)
            {
                set.Add(t);
                if (t.Length == 0) empty++;
            }
            return new ColumnSummary(c.Name, c.Role, false, null, null, null, empty, set.Count, null);
        }
        var v = c.Numbers!;
        var distinct = new HashSet<double>();
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        int finite = 0, missing = 0, positive = 0;
        foreach (var x in v)
        {
            distinct.Add(x);
            if (double.IsNaN(x)) missing++;
            if (x == 1) positive++;
            if (!double.IsFinite(x)) continue;
            finite++;
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        double? rate = c.Role == ColumnRole.Label && v.Length > 0 ? (double)positive / v.Length : null;
        return finite == 0
            ? new ColumnSummary(c.Name, c.Role, true, null, null, null, missing, distinct.Count, rate)
            : new ColumnSummary(c.Name, c.Role, true, min, max, sum / finite, missing, distinct.Count, rate);
    }
}
