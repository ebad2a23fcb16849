namespace Xainomaly.Detection;

/// <summary>The A1-style policy of <see cref="TrafficSteeringPolicy"/>.</summary>
public sealed record TrafficSteeringOptions
{
    /// <summary>
    /// Hand over only when the best neighbour's predicted throughput exceeds the serving cell's by more than this many
    /// percent (the O-RAN SC TS xApp's A1 policy <c>{"threshold": 5}</c>).
    /// </summary>
    public double ThresholdPercent { get; init; } = 5;

    /// <summary>
    /// Act only when the anomaly's confidence score is at most this (CS: lower is better). A high CS means the
    /// explanation fits the detector poorly, so the anomaly is not trusted enough to move the UE. Null: CS is not
    /// checked (for a detector run without an explainer, whose anomalies carry no CS).
    /// </summary>
    public double? MaxCs { get; init; } = 0.1;

    /// <summary>Load assumed for a neighbour whose load is not known; null = the serving cell's load (same-site carriers share it roughly).</summary>
    public double? UnknownLoad { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!double.IsFinite(ThresholdPercent) || ThresholdPercent < 0) throw new ArgumentException($"--threshold-percent must be a number ≥ 0 (got {ThresholdPercent}).", nameof(ThresholdPercent));
        if (MaxCs is { } c && (double.IsNaN(c) || c < 0)) throw new ArgumentException($"--max-cs must be a number ≥ 0 (got {c}).", nameof(MaxCs));
        if (UnknownLoad is { } l && (!double.IsFinite(l) || l < 0)) throw new ArgumentException($"The load assumed for unknown neighbours must be a number ≥ 0 (got {l}).", nameof(UnknownLoad));
    }
}
