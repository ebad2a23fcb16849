namespace Xainomaly.Data;

/// <summary>One output column of a <see cref="Preprocessor"/>.</summary>
/// <param name="Name">Feature name: the column name for numeric features, <c>column=category</c> for one-hot ones.</param>
/// <param name="Column">The source column.</param>
/// <param name="Category">The one-hot category, or null for a numeric feature.</param>
/// <param name="Min">Training minimum in physical units (numeric features; 0 for one-hot).</param>
/// <param name="Max">Training maximum in physical units (numeric features; 1 for one-hot).</param>
/// <param name="Unit">Physical unit (<see cref="UeSchema.UnitOf"/>; "s" for a timestamp, "" when unknown or one-hot).</param>
public sealed record PreprocessorFeature(string Name, string Column, string? Category, double Min, double Max, string Unit)
{
    /// <summary>True for a one-hot indicator of a nominal value.</summary>
    public bool IsOneHot => Category is not null;

    /// <summary>Physical width of the scaled range, <c>Max − Min</c> (0 for a constant column).</summary>
    public double Range => Max - Min;
}
