using Xainomaly.Data;

namespace Xainomaly.Evaluation;

/// <summary>
/// The detection protocol: a stratified test split held out from everything (20 %, split seed 42 by default), a label
/// budget drawn from the rest (the training pool), the preprocessor fitted on the training pool only.
/// </summary>
public sealed record ExperimentOptions
{
    /// <summary>Share of rows held out as the test split (0 = train on everything, no test figures).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Seed of the test split (kept apart from <see cref="Seed"/> so that every seed is tested on the same rows).</summary>
    public long SplitSeed { get; init; } = 42;

    /// <summary>Labelled rows of the training pool the run may see; null = all.</summary>
    public int? LabelBudget { get; init; }

    /// <summary>
    /// The labelled rows themselves (table row indices inside the training pool), when a user has labelled a given
    /// subset; overrides the stratified draw of <see cref="LabelBudget"/> rows.
    /// </summary>
    public IReadOnlyList<int>? LabelledRows { get; init; }

    /// <summary>Seed of the label budget draw and of training.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>How raw columns become inputs.</summary>
    public PreprocessorOptions Preprocessing { get; init; } = PreprocessorOptions.Default;

    /// <summary>Extra unlabelled rows (e.g. the UE report stream) added to the training pool's unlabelled rows.</summary>
    public KpiTable? ExtraUnlabelled { get; init; }

    /// <summary>Name and SHA-256 of the data, for the model's provenance.</summary>
    public string? DataSource { get; init; }

    /// <summary>SHA-256 of the data file, for the model's provenance.</summary>
    public string? DataSha256 { get; init; }

    /// <summary>The budget as text: a number or "all".</summary>
    public string BudgetName => LabelledRows is { } rows ? rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : LabelBudget is { } k ? k.ToString(System.Globalization.CultureInfo.InvariantCulture) : "all";
}
