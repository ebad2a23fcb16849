namespace Xainomaly.Detection;

/// <summary>
/// A trained network of the semi-supervised family (SS-DeepCAE, the autoencoder baselines, SLA-VAE, LSTM-AE, MLP)
/// seen through the parts its anomaly score is made of: reconstruction error, latent norm and head probability.
/// <see cref="SemiSupervisedDetector"/> turns the parts into one score with a <see cref="ScoreMix"/> and a threshold.
/// </summary>
public interface IComponentScorer
{
    /// <summary>The network kind, as used in model files (e.g. <c>ss-deepcae</c>).</summary>
    string Kind { get; }

    /// <summary>Number of input features per row.</summary>
    int InputWidth { get; }

    /// <summary>True when the network reconstructs its input (RE is meaningful).</summary>
    bool HasReconstruction { get; }

    /// <summary>True when the network has a latent code (‖z‖ is meaningful).</summary>
    bool HasLatent { get; }

    /// <summary>True when the network has a classification head (probability is meaningful).</summary>
    bool HasHead { get; }

    /// <summary>
    /// Per row: reconstruction error ‖x − x̂‖², latent norm ‖z‖₂ and head probability σ(head(z)); a part the network
    /// lacks is written as 0.
    /// </summary>
    void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability);

    /// <summary>
    /// Input gradient of <c>reWeight·RE + latentWeight·‖z‖ + headWeight·p</c> per row; false when the network cannot
    /// give one (then attacks fall back to other means).
    /// </summary>
    bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient);

    /// <summary>Writes the network's weights and options.</summary>
    void Write(BinaryWriter writer);
}
