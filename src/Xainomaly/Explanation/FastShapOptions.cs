namespace Xainomaly.Explanation;

/// <summary>Settings of <see cref="FastShapExplainer.Fit"/> (and of the background the CLI builds for it).</summary>
public sealed record FastShapOptions
{
    /// <summary>Hidden layers of the explainer network φ_fast (ReLU).</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>Units per hidden layer.</summary>
    public int HiddenWidth { get; init; } = 128;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 2e-3f;

    /// <summary>Rows per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Coalitions per row per epoch, drawn in pairs (s and its complement), so an even number ≥ 2.</summary>
    public int CoalitionSamples { get; init; } = 16;

    /// <summary>Upper bound on epochs.</summary>
    public int MaxEpochs { get; init; } = 60;

    /// <summary>Epochs without a better validation loss before training stops (the best weights are restored).</summary>
    public int Patience { get; init; } = 6;

    /// <summary>Share of the training rows held out for the validation loss (0 = early stopping on the training loss).</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Background rows sampled from the training rows when <see cref="KMeans"/> is 0.</summary>
    public int BackgroundSize { get; init; } = 100;

    /// <summary>Size of the k-means summary used as background (0 = a random sample of <see cref="BackgroundSize"/> rows).</summary>
    public int KMeans { get; init; } = 10;

    /// <summary>Explained output.</summary>
    public FastShapOutput Output { get; init; } = FastShapOutput.Score;

    /// <summary>Seed of the weights, the split, the coalitions and the batch order.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (HiddenLayers < 1 || HiddenLayers > 8) throw new ArgumentException($"FastSHAP hidden layers = {HiddenLayers}; expected 1 to 8.");
        if (HiddenWidth < 1 || HiddenWidth > 4096) throw new ArgumentException($"FastSHAP hidden width = {HiddenWidth}; expected 1 to 4096.");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"FastSHAP learning rate = {LearningRate}; expected a positive number.");
        if (BatchSize < 1) throw new ArgumentException($"FastSHAP batch size = {BatchSize}; expected at least 1.");
        if (CoalitionSamples < 2 || CoalitionSamples % 2 != 0) throw new ArgumentException($"FastSHAP coalition samples = {CoalitionSamples}; expected an even number ≥ 2 (they are drawn in complementary pairs).");
        if (MaxEpochs < 1) throw new ArgumentException($"FastSHAP epochs = {MaxEpochs}; expected at least 1.");
        if (Patience < 1) throw new ArgumentException($"FastSHAP patience = {Patience}; expected at least 1.");
        if (!(ValidationShare >= 0 && ValidationShare < 1)) throw new ArgumentException($"FastSHAP validation share = {ValidationShare}; expected 0 ≤ share < 1.");
        if (BackgroundSize < 1) throw new ArgumentException($"FastSHAP background size = {BackgroundSize}; expected at least 1 row.");
        if (KMeans < 0) throw new ArgumentException($"FastSHAP k-means size = {KMeans}; expected 0 (use a sample) or a positive number of centres.");
    }
}
