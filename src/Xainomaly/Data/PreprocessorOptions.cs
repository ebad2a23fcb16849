namespace Xainomaly.Data;

/// <summary>What <see cref="Preprocessor.Fit(KpiTable, PreprocessorOptions?)"/> turns into model inputs and how.</summary>
public sealed record PreprocessorOptions
{
    /// <summary>Defaults: numeric and nominal columns only, out-of-range values kept.</summary>
    public static PreprocessorOptions Default { get; } = new();

    /// <summary>Use identifier columns as inputs (one-hot). Off by default: <c>ue-id</c> alone leaks the label.</summary>
    public bool IncludeIdentifiers { get; init; }

    /// <summary>Use the timestamp column as an input (seconds since the Unix epoch, min–max scaled).</summary>
    public bool IncludeTimestamp { get; init; }

    /// <summary>Clip values outside the training range to [0, 1] instead of keeping them beyond it.</summary>
    public bool ClipToRange { get; init; }
}
