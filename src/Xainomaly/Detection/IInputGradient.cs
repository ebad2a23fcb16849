namespace Xainomaly.Detection;

/// <summary>
/// A detector whose score is differentiable in its inputs: gradient attacks (FGSM, PGD, JSMA) and the
/// sensitivity metric use it.
/// </summary>
public interface IInputGradient
{
    /// <summary>∂score/∂x for each row, row-major like the input.</summary>
    void ScoreGradient(ReadOnlySpan<float> rows, int count, Span<float> gradient);
}
