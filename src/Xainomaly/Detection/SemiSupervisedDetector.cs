namespace Xainomaly.Detection;

/// <summary>
/// A semi-supervised network (<see cref="IComponentScorer"/>) with its score mix and threshold: the detector the
/// product ships for SS-DeepCAE and every neural baseline.
/// </summary>
public sealed class SemiSupervisedDetector : IAnomalyDetector, IScoreComponents, IInputGradient, IWindowedInput
{
    private static readonly string[] Parts = ["re", "latent_norm", "head_probability"];

    /// <summary>Wraps a trained network.</summary>
    public SemiSupervisedDetector(IComponentScorer network, ScoreMix mix, double threshold)
    {
        Network = network;
        Mix = mix;
        Threshold = threshold;
    }

    /// <summary>The trained network.</summary>
    public IComponentScorer Network { get; }

    /// <summary>How its parts become the score.</summary>
    public ScoreMix Mix { get; }

    /// <inheritdoc />
    public string Kind => Network.Kind;

    /// <inheritdoc />
    public int InputWidth => Network.InputWidth;

    /// <inheritdoc />
    public double Threshold { get; }

    /// <summary>Records per input window: the network's (e.g. LSTM-AE), 1 for per-record networks.</summary>
    public int WindowLength => Network is IWindowedInput w ? w.WindowLength : 1;

    /// <summary>Features per record.</summary>
    public int FeatureWidth => Network is IWindowedInput w ? w.FeatureWidth : InputWidth;

    /// <inheritdoc />
    public string ScoreDescription => Mix.Describe();

    /// <inheritdoc />
    public IReadOnlyList<string> ComponentNames => Parts;

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores)
    {
        // Parts are computed in blocks so that huge batches need only a bounded scratch buffer, rented so that the
        // many small calls of explainers and attacks do not allocate. A block spans many of the network's 4,096-row
        // blocks, so that the network scores it on all cores (explainers' value functions pass chunks of ~32k rows).
        const int Block = 65_536;
        int n0 = Math.Min(count, Block);
        var pool = System.Buffers.ArrayPool<float>.Shared;
        var re = pool.Rent(n0);
        var z = pool.Rent(n0);
        var p = pool.Rent(n0);
        try
        {
            int d = InputWidth;
            for (int start = 0; start < count; start += Block)
            {
                int n = Math.Min(Block, count - start);
                Network.ScoreComponents(rows.Slice(start * d, n * d), n, re.AsSpan(0, n), z.AsSpan(0, n), p.AsSpan(0, n));
                for (int i = 0; i < n; i++) scores[start + i] = Mix.Combine(re[i], z[i], p[i]);
            }
        }
        finally
        {
            pool.Return(re);
            pool.Return(z);
            pool.Return(p);
        }
    }

    /// <inheritdoc />
    public void Components(ReadOnlySpan<float> rows, int count, Span<float> components)
    {
        var re = new float[count];
        var z = new float[count];
        var p = new float[count];
        Network.ScoreComponents(rows, count, re, z, p);
        for (int i = 0; i < count; i++)
        {
            components[3 * i] = re[i];
            components[3 * i + 1] = z[i];
            components[3 * i + 2] = p[i];
        }
    }

    /// <inheritdoc />
    public void ScoreGradient(ReadOnlySpan<float> rows, int count, Span<float> gradient)
    {
        var (a, b, c) = Mix.Coefficients;
        if (!Network.TryInputGradient(rows, count, a, b, c, gradient))
            throw new NotSupportedException($"The {Kind} network does not provide input gradients.");
    }

    /// <summary>A copy with another threshold.</summary>
    public SemiSupervisedDetector WithThreshold(double threshold) => new(Network, Mix, threshold);

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        writer.Write((byte)1);
        writer.Write(Threshold);
        Mix.Write(writer);
        Network.Write(writer);
    }

    /// <summary>Reads a detector whose network is read by <paramref name="readNetwork"/>.</summary>
    public static SemiSupervisedDetector Read(BinaryReader reader, Func<BinaryReader, IComponentScorer> readNetwork)
    {
        byte version = reader.ReadByte();
        if (version != 1) throw new InvalidDataException($"Unsupported semi-supervised detector section version {version}.");
        double threshold = reader.ReadDouble();
        var mix = ScoreMix.Read(reader);
        return new SemiSupervisedDetector(readNetwork(reader), mix, threshold);
    }
}
