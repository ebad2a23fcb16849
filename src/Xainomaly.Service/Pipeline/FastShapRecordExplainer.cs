using Xainomaly.Explanation;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// The production <see cref="IRecordExplainer"/>: a fitted FastSHAP explainer (one network pass per record) with the
/// fastSHAP-C reliability figures CS and EM over sampled Shapley-kernel coalitions, and the efficiency gap.
/// </summary>
/// <remarks>
/// The coalitions are drawn from a seeded generator, once per batch, so a record's CS and EM depend (slightly) on the
/// batch it was scored in; its φ does not. Not thread-safe; the pipeline's one batch loop is its only caller.
/// </remarks>
public sealed class FastShapRecordExplainer : IRecordExplainer
{
    private readonly ExplainerModel _model;
    private readonly int _coalitions;
    private readonly long _seed;
    private long _calls;

    /// <summary>Wraps a loaded explainer; <paramref name="coalitions"/> coalitions per record for CS and EM.</summary>
    public FastShapRecordExplainer(ExplainerModel model, int coalitions, long seed = 42)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coalitions);
        _model = model;
        _coalitions = coalitions;
        _seed = seed;
    }

    /// <inheritdoc />
    public string Method => "fastshap-c";

    /// <inheritdoc />
    public int InputWidth => _model.Explainer.Width;

    /// <inheritdoc />
    public IReadOnlyList<RecordExplanation> Explain(ReadOnlySpan<float> rows, int count)
    {
        var set = _model.Explainer.ExplainWithConfidence(rows, count, _coalitions, _seed + _calls++);
        int d = set.Width;
        var list = new RecordExplanation[count];
        for (int r = 0; r < count; r++)
        {
            var phi = set.Values.AsSpan(r * d, d).ToArray();
            double gap;
            if (set.EfficiencyGaps is { } gaps)
            {
                gap = gaps[r];
            }
            else
            {
                double sum = 0;
                foreach (var p in phi) sum += p;
                gap = set.Outputs[r] - set.BaseValues[r] - sum;
            }
            list[r] = new RecordExplanation(phi, set.BaseValues[r], set.ConfidenceScores![r], set.ErrorMetrics![r], gap);
        }
        return list;
    }
}
