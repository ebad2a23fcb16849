namespace Xainomaly.Reporting;

/// <summary>One named series of (x, y) points for a <see cref="LineChart"/>, optionally with ±error bars on y.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">x of each point (e.g. training step, number of labels).</param>
/// <param name="Y">y of each point.</param>
/// <param name="YError">Optional half-height of the error bar at each point (e.g. one standard deviation over seeds).</param>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? YError = null);
