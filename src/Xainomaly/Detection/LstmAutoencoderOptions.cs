namespace Xainomaly.Detection;

/// <summary>
/// Sizes and training settings of <see cref="LstmAutoencoder"/>. The defaults are the XAInomaly paper's baseline
/// (SPEC §2): LSTM encoder 256 units, LSTM decoder 512 units, dropout 0.2, Adam with learning rate 1e-3, and a
/// window of 4 consecutive records per UE (a Decision of the spec; the paper does not state it).
/// </summary>
public sealed record LstmAutoencoderOptions
{
    /// <summary>Records per window w.</summary>
    public int WindowLength { get; init; } = 4;

    /// <summary>Units of the encoder LSTM; its final hidden state is the latent code z.</summary>
    public int EncoderUnits { get; init; } = 256;

    /// <summary>Units of the decoder LSTM.</summary>
    public int DecoderUnits { get; init; } = 512;

    /// <summary>Dropout rate on the LSTM outputs (z and every decoder hidden state) during training.</summary>
    public float Dropout { get; init; } = 0.2f;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adam β₁.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam β₂.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam ε (PyTorch form, added to √v̂).</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Optional global gradient-norm clipping before each Adam step.</summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>Seed of the weight initialisation and of the dropout masks.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Rows per block in batched scoring and input gradients (at most 4,096); batches larger than one block run in
    /// parallel. Smaller than the other networks' blocks because a block caches every step's gates (4·units wide).
    /// </summary>
    public int BlockRows { get; init; } = 512;

    /// <summary>Upper bound on worker threads for batched scoring (default: all cores).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
