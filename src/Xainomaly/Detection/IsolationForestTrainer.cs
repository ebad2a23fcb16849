using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>
/// Fits an Isolation Forest on every training row (it needs no labels). With labelled rows of both classes in the
/// budget, τ is chosen to maximise UAR on them — they were not used to grow the trees, so this is honest; otherwise
/// the contamination rule sets τ.
/// </summary>
public sealed class IsolationForestTrainer(IsolationForestOptions options, double? threshold = null) : IDetectorTrainer
{
    /// <inheritdoc />
    public string Kind => IsolationForestDetector.KindName;

    /// <summary>The forest's options.</summary>
    public IsolationForestOptions Options { get; } = options;

    /// <inheritdoc />
    public JsonObject Hyperparameters => new()
    {
        ["trees"] = Options.TreeCount,
        ["maxSamples"] = Options.MaxSamples,
        ["maxSamplesFraction"] = Options.MaxSamplesFraction,
        ["contamination"] = Options.Contamination,
        ["maxFeatures"] = Options.MaxFeatures,
        ["bootstrap"] = Options.Bootstrap,
    };

    /// <inheritdoc />
    public IAnomalyDetector Fit(TrainingData data, TrainingContext context)
    {
        data.Validate();
        var forest = IsolationForest.Fit(data.X, data.Count, data.Width, Options with { Seed = context.Seed });
        context.Progress?.Report(new TrainingProgress(1, 1, double.NaN));
        var detector = new IsolationForestDetector(forest);
        if (threshold is { } given)
        {
            context.Validation["threshold"] = given;
            context.Validation["thresholdRule"] = "given (--threshold)";
            return detector.WithThreshold(given);
        }
        var labelled = data.LabelledRows();
        var y = new int[labelled.Length];
        int pos = 0;
        for (int i = 0; i < y.Length; i++) pos += y[i] = data.Labels[labelled[i]];
        if (pos == 0 || pos == y.Length)
        {
            context.Validation["threshold"] = detector.Threshold;
            context.Validation["thresholdRule"] = "contamination";
            return detector;
        }
        var sub = data.Select(labelled);
        var scores = new float[labelled.Length];
        detector.Score(sub.X, sub.Count, scores);
        double tau = ThresholdSelector.MaximizeUar(scores, y);
        context.Validation["threshold"] = tau;
        context.Validation["thresholdRule"] = "max UAR on the budget's labelled rows";
        context.Validation["uar"] = ThresholdSelector.UarAt(scores, y, tau);
        return detector.WithThreshold(tau);
    }
}
