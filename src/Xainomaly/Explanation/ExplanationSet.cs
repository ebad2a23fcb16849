namespace Xainomaly.Explanation;

/// <summary>
/// Explanations of many rows in rows × features arrays; every explainer returns this shape and plots consume it.
/// </summary>
public sealed record ExplanationSet
{
    /// <summary>Method that produced the values.</summary>
    public required string Method { get; init; }

    /// <summary>Feature names (length = <see cref="Width"/>).</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Number of explained rows.</summary>
    public required int Count { get; init; }

    /// <summary>Number of features d.</summary>
    public int Width => FeatureNames.Count;

    /// <summary>E[f(x')] per row (the same for every row with one background).</summary>
    public required double[] BaseValues { get; init; }

    /// <summary>f(x) per row.</summary>
    public required double[] Outputs { get; init; }

    /// <summary>φ, row-major (Count × Width).</summary>
    public required double[] Values { get; init; }

    /// <summary>The explained rows' feature values, row-major (Count × Width).</summary>
    public required double[] Data { get; init; }

    /// <summary>fastSHAP-C confidence score per row, when computed.</summary>
    public double[]? ConfidenceScores { get; init; }

    /// <summary>fastSHAP-C error metric per row, when computed.</summary>
    public double[]? ErrorMetrics { get; init; }

    /// <summary>Efficiency gap f(x) − E f − Σφ per row, when reported.</summary>
    public double[]? EfficiencyGaps { get; init; }

    /// <summary>Wall time of the whole batch.</summary>
    public required TimeSpan WallTime { get; init; }

    /// <summary>Number of model rows evaluated (the run's cost in model calls).</summary>
    public required long ModelEvaluations { get; init; }

    /// <summary>φ of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<double> ValuesOf(int row) => Values.AsSpan(row * Width, Width);

    /// <summary>The explanation of row <paramref name="row"/> as a standalone record.</summary>
    public Explanation this[int row]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
            int d = Width;
            return new Explanation(BaseValues[row], Outputs[row], Values.AsSpan(row * d, d).ToArray(), Data.AsSpan(row * d, d).ToArray(),
                FeatureNames, Method, ConfidenceScores?[row], ErrorMetrics?[row], EfficiencyGaps?[row], WallTime / Math.Max(1, Count));
        }
    }
}
