namespace Xainomaly.Data;

/// <summary>
/// What <see cref="Preprocessor.Transform(KpiTable, Span{float})"/> met that the training data did not have:
/// unseen categories (encoded as all zeros) and values outside the training range, counted per column.
/// </summary>
/// <param name="Rows">Rows transformed.</param>
/// <param name="UnseenCategories">Per nominal input column, the number of rows whose value was not in the training vocabulary.</param>
/// <param name="OutOfRange">Per numeric input column, the number of rows outside the training [min, max].</param>
public sealed record TransformReport(int Rows, IReadOnlyDictionary<string, int> UnseenCategories, IReadOnlyDictionary<string, int> OutOfRange)
{
    /// <summary>Total unseen categorical values.</summary>
    public int TotalUnseen
    {
        get
        {
            int s = 0;
            foreach (var v in UnseenCategories.Values) s += v;
            return s;
        }
    }

    /// <summary>Total numeric values outside the training range.</summary>
    public int TotalOutOfRange
    {
        get
        {
            int s = 0;
            foreach (var v in OutOfRange.Values) s += v;
            return s;
        }
    }
}
