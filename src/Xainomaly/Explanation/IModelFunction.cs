namespace Xainomaly.Explanation;

/// <summary>
/// The explained output f over batches of rows. Rows are double precision so that ground-truth checks
/// (float64 references) stay exact; detector adapters convert to float per chunk.
/// </summary>
public interface IModelFunction
{
    /// <summary>Number of input features d.</summary>
    int InputWidth { get; }

    /// <summary>What f is, in words, for reports.</summary>
    string Description { get; }

    /// <summary>Writes f of <paramref name="count"/> row-major rows into <paramref name="outputs"/>.</summary>
    void Evaluate(ReadOnlySpan<double> rows, int count, Span<double> outputs);
}
