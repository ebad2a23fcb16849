namespace Xainomaly.Detection;

/// <summary>
/// What the plain semi-supervised autoencoders (Vanilla AE, DeepAE) share as component scorers: an encoder–decoder
/// with a head on the code, scored and differentiated by one core. Subclasses add their options, training entry point
/// and file format.
/// </summary>
public abstract class AutoencoderScorer : IComponentScorer
{
    private protected AutoencoderScorer(SemiSupervisedAutoencoder net) => Net = net;

    private protected SemiSupervisedAutoencoder Net { get; }

    /// <inheritdoc />
    public abstract string Kind { get; }

    /// <inheritdoc />
    public int InputWidth => Net.InputWidth;

    /// <inheritdoc />
    public bool HasReconstruction => true;

    /// <inheritdoc />
    public bool HasLatent => true;

    /// <inheritdoc />
    public bool HasHead => true;

    /// <summary>Trainable scalars of the autoencoder alone (without the head).</summary>
    public int AutoencoderParameterCount => Net.AutoencoderParameterCount;

    /// <summary>Trainable scalars including the head.</summary>
    public int ParameterCount => Net.Parameters.ScalarCount;

    /// <inheritdoc />
    public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
        => Net.Core.Score(rows, count, reconstructionError, latentNorm, headProbability);

    /// <inheritdoc />
    public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        Net.Core.InputGradient(rows, count, reWeight, latentWeight, headWeight, gradient);
        return true;
    }

    /// <inheritdoc />
    public abstract void Write(BinaryWriter writer);
}
