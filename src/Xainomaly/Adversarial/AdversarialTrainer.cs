using System.Text.Json.Nodes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Adversarial;

/// <summary>
/// Adversarial training (Goodfellow et al. 2015; the SON paper's defence) around any trainer: fit on the clean data,
/// attack the labelled training rows against that model (untargeted: each row pushed towards the other class), add the
/// adversarial rows with their original labels to the training data, and fit again on the union; repeat for more
/// rounds. The adversarial rows are labelled rows, so they enter the MLP's loss and, for SS-DeepCAE, both the label
/// loss and the reconstruction. Only the budget's labels are used: an adversarial row is a copy of a budget row.
/// </summary>
public sealed class AdversarialTrainer : IDetectorTrainer
{
    private readonly IDetectorTrainer _inner;

    /// <summary>Wraps <paramref name="inner"/> (which keeps its own protocol: held-back labels for τ, early stopping, …).</summary>
    /// <exception cref="ArgumentException">A windowed (sequence) trainer, or a ratio/rounds that is not positive.</exception>
    public AdversarialTrainer(IDetectorTrainer inner, AdversarialTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        if (inner is WindowedTrainer)
            throw new ArgumentException($"Adversarial training of the {inner.Kind} detector is not supported: its rows are windows of consecutive records, and an attacked record would change every window it belongs to.");
        if (!(options.Ratio > 0) || !double.IsFinite(options.Ratio)) throw new ArgumentOutOfRangeException(nameof(options), options.Ratio, $"--ratio {options.Ratio}: expected a positive number of adversarial rows per labelled row.");
        if (options.Rounds < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Rounds, $"--rounds {options.Rounds}: expected at least 1.");
        options.Attack.Validate();
        _inner = inner;
        Options = options;
        Hyperparameters = (JsonObject)inner.Hyperparameters.DeepClone();
        Hyperparameters["adversarialTraining"] = new JsonObject
        {
            ["attack"] = options.Attack.ToJson(),
            ["ratio"] = options.Ratio,
            ["rounds"] = options.Rounds,
            ["features"] = new JsonArray([.. options.Mask.Columns.Select(c => (JsonNode)c!)]),
            ["scheme"] = "fit on clean rows; attack the labelled training rows (untargeted) against the current model; refit on clean + adversarial rows with the original labels",
        };
    }

    /// <summary>The settings.</summary>
    public AdversarialTrainingOptions Options { get; }

    /// <inheritdoc />
    public string Kind => _inner.Kind;

    /// <inheritdoc />
    public JsonObject Hyperparameters { get; }

    /// <inheritdoc />
    public IAnomalyDetector Fit(TrainingData data, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(context);
        data.Validate();
        if (Options.Mask.Width != data.Width)
            throw new ArgumentException($"The feature mask covers {Options.Mask.Width} inputs but the data has {data.Width}.");
        var labelled = Array.FindAll(data.LabelledRows(), i => !data.IsCopy(i));
        if (labelled.Length == 0) throw new ArgumentException("Adversarial training needs labelled rows (raise --labels).", "--labels");
        var rng = new Rng(context.Seed ^ 0x0AD7_5EED);
        int perRound = Math.Max(1, (int)Math.Round(Options.Ratio * labelled.Length));
        var rounds = new JsonArray();
        var current = data;
        var detector = _inner.Fit(data, new TrainingContext(context.Seed, context.Progress, context.Cancellation));
        for (int round = 1; round <= Options.Rounds; round++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            // A ratio above 1 cycles through fresh permutations of the labelled rows.
            var picked = new int[perRound];
            int filled = 0;
            while (filled < perRound)
            {
                var perm = rng.Permutation(labelled.Length);
                for (int k = 0; k < perm.Length && filled < perRound; k++) picked[filled++] = labelled[perm[k]];
            }
            var source = data.Select(picked);
            var attack = (Options.Attack with { Seed = Options.Attack.Seed + round }).Create(detector, Options.Mask);
            var result = attack.Generate(source.X, source.Labels, source.Count, AttackGoal.Both);
            rounds.Add(new JsonObject
            {
                ["round"] = round,
                ["adversarialRows"] = perRound,
                ["successRateOnTrainingRows"] = result.SuccessRate,
                ["meanFeaturesChanged"] = result.MeanFeaturesChanged,
            });
            current = Append(current, source with { X = result.Adversarial }, picked);
            bool last = round == Options.Rounds;
            detector = _inner.Fit(current, last ? context : new TrainingContext(context.Seed, context.Progress, context.Cancellation));
        }
        context.Validation["adversarialTraining"] = new JsonObject
        {
            ["attack"] = Options.Attack.ToJson(),
            ["ratio"] = Options.Ratio,
            ["cleanRows"] = data.Count,
            ["labelledRows"] = labelled.Length,
            ["adversarialRows"] = current.Count - data.Count,
            ["rounds"] = rounds,
        };
        return detector;
    }

    // Appends the adversarial rows b, each marked as a copy of its clean row, so that the wrapped trainer holds back
    // clean labels only and never trains on a copy of a held-back row.
    private static TrainingData Append(TrainingData a, TrainingData b, int[] sources)
    {
        string[]? g = a.GroupKeys is not null && b.GroupKeys is not null ? [.. a.GroupKeys, .. b.GroupKeys] : null;
        string[]? o = a.OrderKeys is not null && b.OrderKeys is not null ? [.. a.OrderKeys, .. b.OrderKeys] : null;
        var copyOf = new int[a.Count + b.Count];
        if (a.CopyOf is null) Array.Fill(copyOf, -1, 0, a.Count);
        else a.CopyOf.CopyTo(copyOf, 0);
        sources.CopyTo(copyOf, a.Count);
        return new TrainingData([.. a.X, .. b.X], a.Width, [.. a.Labels, .. b.Labels], g, o) { CopyOf = copyOf };
    }
}
