namespace Xainomaly.Explanation;

/// <summary>A Shapley-value explainer over a <see cref="ValueFunction"/>.</summary>
public interface IShapleyExplainer
{
    /// <summary>Method name as reported (e.g. <c>exact</c>).</summary>
    string Method { get; }

    /// <summary>Explains <paramref name="count"/> row-major rows.</summary>
    ExplanationSet Explain(ReadOnlySpan<double> rows, int count);
}
