using System.Globalization;

using Xainomaly.Data;

namespace Xainomaly.Adversarial;

/// <summary>
/// Writes adversarial inputs back into the raw table: every column and the row order are kept, and only the values
/// an attack changed are replaced, in physical units, so that the file can be scored or evaluated like the original.
/// </summary>
public static class AdversarialTable
{
    /// <summary>
    /// A copy of <paramref name="table"/> whose attacked values are the inverse transform of <paramref name="adversarial"/>:
    /// a numeric value becomes original + Δ·(max − min) (Δ in scaled units, so values outside the training range stay
    /// consistent); a one-hot group whose indicators changed becomes its largest indicator's category.
    /// </summary>
    public static KpiTable Build(KpiTable table, Preprocessor preprocessor, ReadOnlySpan<float> clean, ReadOnlySpan<float> adversarial)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(preprocessor);
        int n = table.RowCount, d = preprocessor.InputWidth;
        if (clean.Length != n * d || adversarial.Length != n * d)
            throw new ArgumentException($"Expected {n} rows × {d} inputs for both the clean and the adversarial matrix.");
        var features = preprocessor.Features;
        var replaced = new Dictionary<string, KpiColumn>(StringComparer.Ordinal);
        int j = 0;
        while (j < d)
        {
            var f = features[j];
            var col = table[f.Column];
            if (!f.IsOneHot)
            {
                if (col.Numbers is { } numbers)
                {
                    double[]? copy = null;
                    for (int r = 0; r < n; r++)
                    {
                        float delta = adversarial[r * d + j] - clean[r * d + j];
                        if (delta == 0) continue;
                        copy ??= (double[])numbers.Clone();
                        copy[r] = numbers[r] + (delta * f.Range);
                    }
                    if (copy is not null) replaced[f.Column] = new KpiColumn(col.Name, col.Role, copy);
                }
                j++;
                continue;
            }
            int start = j;
            while (j < d && features[j].IsOneHot && features[j].Column == f.Column) j++;
            string[]? texts = null;
            for (int r = 0; r < n; r++)
            {
                bool changed = false;
                int best = start;
                for (int k = start; k < j; k++)
                {
                    if (adversarial[r * d + k] != clean[r * d + k]) changed = true;
                    if (adversarial[r * d + k] > adversarial[r * d + best]) best = k;
                }
                if (!changed) continue;
                texts ??= Texts(col);
                texts[r] = features[best].Category!;
            }
            if (texts is not null) replaced[f.Column] = col.IsNumeric ? new KpiColumn(col.Name, col.Role, Numbers(texts, f.Column)) : new KpiColumn(col.Name, col.Role, texts);
        }
        var columns = new List<KpiColumn>(table.Columns.Count);
        foreach (var c in table.Columns) columns.Add(replaced.TryGetValue(c.Name, out var r) ? r : c);
        return new KpiTable(columns, table.Source);
    }

    private static string[] Texts(KpiColumn col)
    {
        if (col.Texts is { } t) return (string[])t.Clone();
        var s = new string[col.Length];
        for (int i = 0; i < s.Length; i++) s[i] = col.FormatValue(i);
        return s;
    }

    private static double[] Numbers(string[] texts, string column)
    {
        var v = new double[texts.Length];
        for (int i = 0; i < v.Length; i++)
            if (!double.TryParse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new InvalidOperationException($"Category '{texts[i]}' of numeric column '{column}' is not a number.");
        return v;
    }
}
