namespace Xainomaly.Reporting;

/// <summary>One named series of a grouped <see cref="BarChart"/>: one value per category, optionally with ±errors.</summary>
/// <param name="Name">Legend text (e.g. "clean", "under attack", "after defence").</param>
/// <param name="Values">One value per category, in the chart's category order.</param>
/// <param name="Errors">Optional half-length of the error bar per category (e.g. one standard deviation).</param>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors = null);
