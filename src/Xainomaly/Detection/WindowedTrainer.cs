using System.Text.Json.Nodes;

using Xainomaly.Data;

namespace Xainomaly.Detection;

/// <summary>
/// A trainer for a sequence model: it turns per-record training data into windows of <see cref="WindowLength"/>
/// consecutive records per UE (<see cref="SequenceWindows"/>, from the data's <see cref="TrainingData.GroupKeys"/>
/// and <see cref="TrainingData.OrderKeys"/>) and hands them to the inner trainer. Each window keeps its own record's
/// label, so label budgets, validation and threshold choice work unchanged.
/// </summary>
public sealed class WindowedTrainer : IDetectorTrainer
{
    private readonly IDetectorTrainer _inner;

    /// <summary>Wraps <paramref name="inner"/>, which must fit a detector over rows of w·d features.</summary>
    public WindowedTrainer(IDetectorTrainer inner, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (windowLength < 1) throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, "The window length must be at least 1.");
        _inner = inner;
        WindowLength = windowLength;
        Hyperparameters["window"] = windowLength;
    }

    /// <summary>Records per window.</summary>
    public int WindowLength { get; }

    /// <inheritdoc />
    public string Kind => _inner.Kind;

    /// <inheritdoc />
    public JsonObject Hyperparameters => _inner.Hyperparameters;

    /// <summary>
    /// Builds the windows and fits the inner trainer. Throws <see cref="DataFormatException"/> when the data carries
    /// no UE ids or timestamps.
    /// </summary>
    public IAnomalyDetector Fit(TrainingData data, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.Validate();
        return _inner.Fit(Windows(data, WindowLength), context);
    }

    /// <summary>
    /// The data with every row replaced by its window (width w·d); labels, UE ids and timestamps stay those of each
    /// window's own record.
    /// </summary>
    public static TrainingData Windows(TrainingData data, int windowLength, string source = "training data")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.GroupKeys is null) throw SequenceWindows.Missing(source, UeSchema.UeId, windowLength);
        if (data.OrderKeys is null) throw SequenceWindows.Missing(source, UeSchema.Timestamp, windowLength);
        var indices = SequenceWindows.Indices(data.GroupKeys, data.OrderKeys, windowLength);
        return data with { X = SequenceWindows.Build(data.X, data.Width, indices, windowLength), Width = data.Width * windowLength };
    }
}
