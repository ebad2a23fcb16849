namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Explains scored records (fastSHAP-C in production): one Shapley value per detector input feature, plus the
/// reliability figures CS and EM. The pipeline calls it from one thread at a time.
/// </summary>
public interface IRecordExplainer
{
    /// <summary>What the explainer is (e.g. <c>fastshap-c</c>), for logs and the health endpoint.</summary>
    string Method { get; }

    /// <summary>Number of input features it explains (the detector's input width).</summary>
    int InputWidth { get; }

    /// <summary>Explains <paramref name="count"/> preprocessed row-major rows.</summary>
    IReadOnlyList<RecordExplanation> Explain(ReadOnlySpan<float> rows, int count);
}
