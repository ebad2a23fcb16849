namespace Xainomaly.Reporting;

/// <summary>One group of values for <see cref="OverlaidHistograms"/> (e.g. reconstruction errors of normal rows).</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">The values; every one must be finite (and positive on a log x axis).</param>
public sealed record HistogramGroup(string Name, IReadOnlyList<double> Values);
