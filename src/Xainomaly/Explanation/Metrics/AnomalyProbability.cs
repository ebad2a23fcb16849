using Xainomaly.Detection;

namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// Pr(anomalous | x) for the log-odds metric. A detector with a classification head gives it directly
/// (σ(head(z))); any other detector gets a calibrated map of its score around its threshold,
/// σ((score − τ) / s) with s the standard deviation of its scores on calibration (training) rows — so the map is
/// 0.5 exactly at the decision boundary and its steepness follows the score's own spread.
/// </summary>
public static class AnomalyProbability
{
    /// <summary>The anomaly probability of <paramref name="detector"/> (see the type's remarks).</summary>
    /// <param name="detector">The detector.</param>
    /// <param name="calibrationRows">Preprocessed rows whose score spread sets s (training or background rows).</param>
    /// <param name="count">Number of calibration rows.</param>
    public static IModelFunction FromDetector(IAnomalyDetector detector, ReadOnlySpan<float> calibrationRows, int count)
    {
        ArgumentNullException.ThrowIfNull(detector);
        if (detector is SemiSupervisedDetector { Network.HasHead: true } semi) return ModelFunction.FromHeadProbability(semi);
        if (count < 2) throw new ArgumentException($"Calibrating the anomaly probability needs at least 2 rows; {count} given.", nameof(count));
        var scores = new float[count];
        detector.Score(calibrationRows[..(count * detector.InputWidth)], count, scores);
        double mean = 0;
        for (int i = 0; i < count; i++) mean += scores[i];
        mean /= count;
        double v = 0;
        for (int i = 0; i < count; i++) v += (scores[i] - mean) * (scores[i] - mean);
        double scale = Math.Sqrt(v / (count - 1));
        return Logistic(ModelFunction.FromDetector(detector), detector.Threshold, scale > 0 ? scale : 1e-6);
    }

    /// <summary>σ((f(x) − <paramref name="threshold"/>) / <paramref name="scale"/>).</summary>
    public static IModelFunction Logistic(IModelFunction score, double threshold, double scale)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentException($"The logistic scale is {scale}; expected a finite value > 0.", nameof(scale));
        return new LogisticMap(score, threshold, scale);
    }

    private sealed class LogisticMap(IModelFunction score, double threshold, double scale) : IModelFunction
    {
        public int InputWidth => score.InputWidth;

        public string Description => $"σ((score − τ)/s), τ = {threshold:G4}, s = {scale:G4}";

        public void Evaluate(ReadOnlySpan<double> rows, int count, Span<double> outputs)
        {
            score.Evaluate(rows, count, outputs);
            for (int i = 0; i < count; i++) outputs[i] = 1 / (1 + Math.Exp(-(outputs[i] - threshold) / scale));
        }
    }
}
