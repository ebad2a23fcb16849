namespace Xainomaly.Detection;

/// <summary>
/// Hyper-parameters of <see cref="IsolationForest"/>, named after and defaulting like scikit-learn's
/// <c>IsolationForest</c> (<c>n_estimators=100, max_samples="auto", contamination="auto", max_features=1.0,
/// bootstrap=False</c>).
/// </summary>
public sealed record IsolationForestOptions
{
    /// <summary>Number of isolation trees (<c>n_estimators</c>).</summary>
    public int TreeCount { get; init; } = 100;

    /// <summary>
    /// Rows drawn for each tree (<c>max_samples</c> as an integer); more than the training rows means all of them.
    /// Null together with <see cref="MaxSamplesFraction"/> null means "auto": min(256, rows).
    /// </summary>
    public int? MaxSamples { get; init; }

    /// <summary>Rows drawn for each tree as a share of the training rows in (0, 1] (<c>max_samples</c> as a float); exclusive with <see cref="MaxSamples"/>.</summary>
    public double? MaxSamplesFraction { get; init; }

    /// <summary>
    /// Expected share of anomalies in the training rows, in (0, 0.5]: the threshold is then that quantile of the
    /// training scores. Null means "auto": the paper's fixed threshold 0.5 on the anomaly score (scikit-learn's offset −0.5).
    /// </summary>
    public double? Contamination { get; init; }

    /// <summary>Share of the features each tree may split on, in (0, 1] (<c>max_features</c>); at least one feature is used.</summary>
    public double MaxFeatures { get; init; } = 1.0;

    /// <summary>Draw each tree's rows with replacement (<c>bootstrap</c>).</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Seed of every random choice; the same seed gives bit-identical trees and scores.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (TreeCount < 1) throw Bad(nameof(TreeCount), TreeCount, "at least 1");
        if (MaxSamples is { } m && m < 2) throw Bad(nameof(MaxSamples), m, "at least 2 (a tree of one row isolates nothing)");
        if (MaxSamplesFraction is { } f && !(f > 0 && f <= 1)) throw Bad(nameof(MaxSamplesFraction), f, "in (0, 1]");
        if (MaxSamples is not null && MaxSamplesFraction is not null)
            throw new ArgumentException("IsolationForestOptions: set MaxSamples or MaxSamplesFraction, not both.", nameof(MaxSamplesFraction));
        if (Contamination is { } c && !(c > 0 && c <= 0.5)) throw Bad(nameof(Contamination), c, "in (0, 0.5], or null for \"auto\"");
        if (!(MaxFeatures > 0 && MaxFeatures <= 1)) throw Bad(nameof(MaxFeatures), MaxFeatures, "in (0, 1]");
    }

    private static ArgumentException Bad(string field, object value, string expected) =>
        new($"IsolationForestOptions.{field} is {value}; expected {expected}.", field);
}
