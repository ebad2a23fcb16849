namespace Xainomaly.Explanation;

/// <summary>
/// A model function that also takes float rows directly (the detectors' native precision), so that the value
/// function can build masked rows in float and skip the double → float round trip on its hot path.
/// </summary>
public interface IFloatModelFunction : IModelFunction
{
    /// <summary>Writes f of <paramref name="count"/> row-major float rows into <paramref name="outputs"/>.</summary>
    void Evaluate(ReadOnlySpan<float> rows, int count, Span<float> outputs);
}
