using System.Text.Json.Nodes;

using Xainomaly.Detection;

namespace Xainomaly.Evaluation;

/// <summary>One trained model and how it did on the held-out test split.</summary>
/// <param name="Model">The deployable model (preprocessor + detector + provenance).</param>
/// <param name="Test">Metrics on the test split (null when no split was held out).</param>
/// <param name="TestLabels">Labels of the test rows.</param>
/// <param name="TestScores">Scores of the test rows.</param>
/// <param name="Validation">What training chose and its validation figures.</param>
/// <param name="History">Training curves.</param>
/// <param name="Seconds">Wall time of training.</param>
/// <param name="TestRows">Table row indices of the test split.</param>
public sealed record ExperimentResult(
    DetectorModel Model,
    BinaryMetrics? Test,
    int[] TestLabels,
    float[] TestScores,
    JsonObject Validation,
    IReadOnlyList<TrainingProgress> History,
    double Seconds,
    int[] TestRows);
