using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>
/// Fits one kind of detector on <see cref="TrainingData"/>. A trainer sees only the labels the data carries (the
/// label budget) and makes every choice — threshold, score mix, early stop — from those and the unlabelled rows.
/// </summary>
public interface IDetectorTrainer
{
    /// <summary>The detector kind it makes.</summary>
    string Kind { get; }

    /// <summary>Its hyper-parameters, for the model file and reports.</summary>
    JsonObject Hyperparameters { get; }

    /// <summary>Fits a detector; writes what it chose and how it did on its own validation rows into <paramref name="context"/>.</summary>
    IAnomalyDetector Fit(TrainingData data, TrainingContext context);
}
