namespace Xainomaly.Reporting;

/// <summary>One class of 2-D points for a <see cref="ScatterChart"/> (e.g. the embedded rows labelled "normal").</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">x of each point.</param>
/// <param name="Y">y of each point.</param>
public sealed record ScatterGroup(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
