namespace Xainomaly.Detection;

/// <summary>Settings of <see cref="QoePredictor"/>: network size, training schedule and the held-out split.</summary>
public sealed record QoePredictorOptions
{
    /// <summary>Hidden layer widths (ReLU).</summary>
    public IReadOnlyList<int> HiddenWidths { get; init; } = [32, 32];

    /// <summary>Adam steps.</summary>
    public int Steps { get; init; } = 4000;

    /// <summary>Rows per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Share of rows held out to report R² and MAE (0 = none).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>
    /// Constrain the network to be non-decreasing in RSRP, RSRQ and SINR (projected gradient: their first-layer weights
    /// and every deeper weight kept ≥ 0), so a cell with better radio conditions is never predicted worse. Load stays free.
    /// </summary>
    public bool MonotoneRadio { get; init; } = true;

    /// <summary>Seed of the weights and the batch order.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Seed of the held-out split.</summary>
    public long SplitSeed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting (by its command-line option).</summary>
    public void Validate()
    {
        if (HiddenWidths is null || HiddenWidths.Count == 0 || HiddenWidths.Any(w => w < 1 || w > 4096))
            throw new ArgumentException("The QoE network needs at least one hidden layer of 1–4096 units.", nameof(HiddenWidths));
        if (Steps < 1) throw new ArgumentException($"--steps must be at least 1 (got {Steps}).", nameof(Steps));
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1 (got {BatchSize}).", nameof(BatchSize));
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"--lr must be a positive number (got {LearningRate}).", nameof(LearningRate));
        if (!(TestFraction >= 0 && TestFraction < 1)) throw new ArgumentException($"--test-fraction must be in [0, 1) (got {TestFraction}).", nameof(TestFraction));
    }
}
