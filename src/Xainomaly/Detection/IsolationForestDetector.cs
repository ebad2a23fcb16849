namespace Xainomaly.Detection;

/// <summary>
/// Isolation Forest behind the common detector contract: the O-RAN SC anomaly-detection xApp's model, unsupervised;
/// with labels available, τ may be chosen on them instead of by contamination.
/// </summary>
public sealed class IsolationForestDetector : IAnomalyDetector
{
    /// <summary>The kind name on the command line and in model files.</summary>
    public const string KindName = "iforest";

    /// <summary>Wraps a fitted forest; <paramref name="threshold"/> overrides the forest's own contamination threshold.</summary>
    public IsolationForestDetector(IsolationForest forest, double? threshold = null)
    {
        Forest = forest;
        Threshold = threshold ?? forest.Threshold;
    }

    /// <summary>The fitted forest.</summary>
    public IsolationForest Forest { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int InputWidth => Forest.Width;

    /// <inheritdoc />
    public double Threshold { get; }

    /// <inheritdoc />
    public string ScoreDescription => "isolation score 2^(−E[h(x)]/c(ψ))";

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores) => Forest.Score(rows, count, scores);

    /// <summary>A copy with another threshold.</summary>
    public IsolationForestDetector WithThreshold(double threshold) => new(Forest, threshold);

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        writer.Write(Threshold);
        Forest.Write(writer);
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public static IAnomalyDetector Read(BinaryReader reader)
    {
        double threshold = reader.ReadDouble();
        return new IsolationForestDetector(IsolationForest.Read(reader), threshold);
    }
}
