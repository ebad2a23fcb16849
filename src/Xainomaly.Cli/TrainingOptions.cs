using System.CommandLine;
using System.Globalization;

using Xainomaly.Detection;

namespace Xainomaly.Cli;

/// <summary>The options of commands that train detectors (train, sweep, demo).</summary>
internal sealed class TrainingOptions
{
    public Option<int?> Steps { get; } = new("--steps") { Description = "Optimiser steps (neural detectors; default 10,000 as the paper)." };

    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Rows per mini-batch (default 64)." };

    public Option<int?> LabelledPerBatch { get; } = new("--labelled-per-batch") { Description = "Labelled rows per mini-batch, B_l (default 16; the rest are unlabelled)." };

    public Option<float?> LearningRate { get; } = new("--lr") { Description = "Learning rate (default 1e-3)." };

    public Option<float?> ContractiveWeight { get; } = new("--lambda-c") { Description = "Weight of the contractive (Jacobian) penalty, λ_c." };

    public Option<float?> LabelWeight { get; } = new("--lambda") { Description = "Weight of the label loss, λ." };

    public Option<string?> Score { get; } = new("--score") { Description = "Score of the neural detectors: auto (head probability and reconstruction error mixed, chosen on held-back budget labels; default), head, reconstruction, or paper (each model's score in the paper: γ·RE + (1−γ)·‖z‖ for SS-DeepCAE, RE for the autoencoder baselines)." };

    public Option<float?> ScoreWeight { get; } = new("--score-weight") { Description = "Fix γ (paper score) or β (auto mix) instead of choosing it on the held-back labels." };

    public Option<double?> Threshold { get; } = new("--threshold") { Description = "Fix the decision threshold τ instead of choosing it on the held-back labels." };

    public Option<int?> MaxSamples { get; } = new("--max-samples") { Description = "Isolation Forest rows per tree (default scikit-learn's auto: min(256, n))." };

    public Option<int?> CrossFitFolds { get; } = new("--cross-fit-folds") { Description = "How the score mix and τ are chosen: 0 = on a held-back share of the labels; k ≥ 2 = k-fold cross-fitting over all budget labels, k + 1 trainings (default 0)." };

    public Option<int?> Window { get; } = new("--window") { Description = "LSTM-AE: consecutive records of a UE per window (default 4)." };

    public Option<string?> LstmUnits { get; } = new("--lstm-units") { Description = "LSTM-AE: encoder,decoder units (default 256,512 as the paper; 64,128 is ~20× faster)." };

    public Option<int?> Trees { get; } = new("--trees") { Description = "Trees of the Isolation Forest (default 100)." };

    public Option<double?> Contamination { get; } = new("--contamination") { Description = "Isolation Forest contamination in (0, 0.5]; default scikit-learn's 'auto'." };

    public Option<double?> ValidationShare { get; } = new("--validation-share") { Description = "Share of the budget's labelled rows held back to choose τ and the score mix (default 0.25)." };

    public Option<int?> Layers { get; } = new("--layers") { Description = "SS-DeepCAE: hidden ReLU layers of the encoder before the 16-wide bottleneck, mirrored by the decoder (default 2: 64, 32)." };

    public Option<double?> WidthFactor { get; } = new("--width-factor") { Description = "SS-DeepCAE: first hidden width as a multiple of the input width (paper Table III: 0.5–5); later layers narrow geometrically towards 16." };

    public Option<int?> Hidden { get; } = new("--hidden") { Description = "SS-DeepCAE: first hidden width in units (default 64; overrides --width-factor)." };

    public Option<string?> Loss { get; } = new("--loss") { Description = "SS-DeepCAE reconstruction loss: mse (default), mae or smape." };

    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "SS-DeepCAE optimiser: adam (default), sgd or rmsprop." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Steps, BatchSize, LabelledPerBatch, LearningRate, ContractiveWeight, LabelWeight, Score, ScoreWeight, Threshold, CrossFitFolds, Window, LstmUnits, Trees, MaxSamples, Contamination, ValidationShare, Layers, WidthFactor, Hidden, Loss, Optimizer })
            command.Options.Add(o);
    }

    public TrainerSettings Read(ParseResult parse)
    {
        int? enc = null, dec = null;
        if (parse.GetValue(LstmUnits) is { } units)
        {
            var parts = units.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int e) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int d) || e < 1 || d < 1)
                throw new UsageException($"--lstm-units {units}: expected two positive numbers, encoder,decoder (e.g. 256,512).");
            (enc, dec) = (e, d);
        }
        var loss = parse.GetValue(Loss);
        var optimizer = parse.GetValue(Optimizer);
        if (loss is not null && loss.ToLowerInvariant() is not ("mse" or "mae" or "smape"))
            throw new UsageException($"--loss {loss}: expected mse, mae or smape.");
        if (optimizer is not null && optimizer.ToLowerInvariant() is not ("adam" or "sgd" or "rmsprop"))
            throw new UsageException($"--optimizer {optimizer}: expected adam, sgd or rmsprop.");
        return ReadSettings(parse) with
        {
            EncoderUnits = enc,
            DecoderUnits = dec,
            WindowLength = parse.GetValue(Window),
            ScoreWeight = parse.GetValue(ScoreWeight),
            Threshold = parse.GetValue(Threshold),
            MaxSamples = parse.GetValue(MaxSamples),
            CrossFitFolds = parse.GetValue(CrossFitFolds),
        };
    }

    private TrainerSettings ReadSettings(ParseResult parse) => new()
    {
        Steps = parse.GetValue(Steps),
        BatchSize = parse.GetValue(BatchSize),
        LabelledPerBatch = parse.GetValue(LabelledPerBatch),
        LearningRate = parse.GetValue(LearningRate),
        ContractiveWeight = parse.GetValue(ContractiveWeight),
        LabelWeight = parse.GetValue(LabelWeight),
        Score = parse.GetValue(Score),
        Trees = parse.GetValue(Trees),
        Contamination = parse.GetValue(Contamination),
        ValidationShare = parse.GetValue(ValidationShare),
        HiddenLayers = parse.GetValue(Layers),
        WidthFactor = parse.GetValue(WidthFactor),
        HiddenWidth = parse.GetValue(Hidden),
        ReconstructionLoss = parse.GetValue(Loss),
        Optimizer = parse.GetValue(Optimizer),
    };

    /// <summary>Parses a label budget: a positive number or "all" (null).</summary>
    public static int? ParseBudget(string text)
    {
        if (string.Equals(text, "all", StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0) return k;
        throw new UsageException($"--labels {text}: expected a positive number of labelled rows or 'all'.");
    }
}
