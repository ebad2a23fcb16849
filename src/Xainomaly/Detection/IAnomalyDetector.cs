namespace Xainomaly.Detection;

/// <summary>
/// The one contract every detector meets (SS-DeepCAE, the autoencoder baselines, the MLP, Isolation Forest):
/// it scores preprocessed rows, higher meaning more abnormal, and a row is anomalous when its score exceeds
/// <see cref="Threshold"/>. Explainers, attacks and metrics see detectors only through this interface.
/// </summary>
public interface IAnomalyDetector
{
    /// <summary>The detector's kind as used on the command line and in model files (e.g. <c>ss-deepcae</c>).</summary>
    string Kind { get; }

    /// <summary>Number of preprocessed input features.</summary>
    int InputWidth { get; }

    /// <summary>Decision threshold τ: anomalous when score &gt; τ.</summary>
    double Threshold { get; }

    /// <summary>What the score is, in words (e.g. "head probability", "γ·RE + (1−γ)·‖z‖"), for reports.</summary>
    string ScoreDescription { get; }

    /// <summary>Scores <paramref name="count"/> row-major rows into <paramref name="scores"/>.</summary>
    void Score(ReadOnlySpan<float> rows, int count, Span<float> scores);

    /// <summary>Writes the detector's fitted state (weights, threshold, options); read back by its kind's loader.</summary>
    void Write(BinaryWriter writer);
}
