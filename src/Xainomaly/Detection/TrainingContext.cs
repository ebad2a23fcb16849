using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>What a training run shares with its caller: the seed, progress reporting, cancellation, and a place for validation figures.</summary>
/// <param name="Seed">Seed of every random choice in the run.</param>
/// <param name="Progress">Receives progress (steps done of total, current loss); may be null.</param>
/// <param name="Cancellation">Stops a long run.</param>
public sealed record TrainingContext(long Seed, IProgress<TrainingProgress>? Progress = null, CancellationToken Cancellation = default)
{
    /// <summary>What the trainer chose (τ, γ, …) and its validation metrics, for the model file.</summary>
    public JsonObject Validation { get; } = [];

    /// <summary>Per-epoch or per-interval curves (loss, validation accuracy), for plots.</summary>
    public List<TrainingProgress> History { get; } = [];
}
