namespace Xainomaly.Data;

/// <summary>
/// How a reader turns a file into a <see cref="KpiTable"/>: which column is the label, which columns are dropped,
/// and which roles override the inferred ones. Names may be given in either UE naming (they are canonicalised).
/// The CLI's <c>--label</c>, <c>--exclude</c>, <c>--id</c> and <c>--time</c> options map onto this record.
/// </summary>
public sealed record KpiReadOptions
{
    /// <summary>Options with every default: label detected automatically, nothing excluded, empty files rejected.</summary>
    public static KpiReadOptions Default { get; } = new();

    /// <summary>The label column; null = automatic (<c>Anomaly</c> for UE data, else <c>label</c>, <c>Label</c>,
    /// <c>anomaly</c>, <c>Anomaly</c> or <c>is_anomaly</c>). Naming a column that does not exist is an error.</summary>
    public string? Label { get; init; }

    /// <summary>Columns dropped while reading; each must exist.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Extra identifier columns (context, never inputs by default); each must exist.</summary>
    public IReadOnlyList<string> Identifiers { get; init; } = [];

    /// <summary>The timestamp column, if not the UE schema's <c>measTimeStampRf</c>; must exist.</summary>
    public string? Time { get; init; }

    /// <summary>Columns forced to be nominal (one-hot encoded) even when every value is a number; each must exist.</summary>
    public IReadOnlyList<string> Nominal { get; init; } = [];

    /// <summary>Name used in messages and provenance instead of the file path.</summary>
    public string? SourceName { get; init; }

    /// <summary>When true a file with a header but no rows (or an empty report stream) gives an empty table with the
    /// right schema — useful for a service; by default it is an error, which is what a command-line user wants.</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>When true a table without a label column is an error.</summary>
    public bool RequireLabel { get; init; }
}
