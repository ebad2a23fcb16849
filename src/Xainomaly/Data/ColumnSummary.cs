namespace Xainomaly.Data;

/// <summary>One column's line of <see cref="SchemaSummary"/>.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Role">What the column is for.</param>
/// <param name="IsNumeric">True for numbers, false for text.</param>
/// <param name="Min">Smallest finite value (numeric columns with a finite value), else null.</param>
/// <param name="Max">Largest finite value, else null.</param>
/// <param name="Mean">Mean of the finite values, else null.</param>
/// <param name="Missing">NaN cells (numeric) or empty cells (text).</param>
/// <param name="Distinct">Number of distinct values.</param>
/// <param name="PositiveRate">Share of rows labelled 1 (label column only), else null.</param>
public sealed record ColumnSummary(string Name, ColumnRole Role, bool IsNumeric, double? Min, double? Max, double? Mean, int Missing, int Distinct, double? PositiveRate);
