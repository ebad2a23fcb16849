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
    private double[] _phi = [], _outputs = [], _gaps = [], _cs = [], _em = [];

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
        var explainer = _model.Explainer;
        int d = explainer.Width;
        if (_phi.Length < count * d) _phi = new double[count * d];
        if (_outputs.Length < count)
        {
            _outputs = new double[count];
            _gaps = new double[count];
            _cs = new double[count];
            _em = new double[count];
        }
        // The batched path: all rows' coalitions go through the value function in a few large model calls, into
        // buffers kept across batches, so the only allocations are the records themselves.
        explainer.ExplainWithConfidence(rows, count, _coalitions, _seed + _calls++, _phi, _outputs, _gaps, _cs, _em);
        double baseValue = explainer.BaseValue;
        var list = new RecordExplanation[count];
        for (int r = 0; r < count; r++)
            list[r] = new RecordExplanation(_phi.AsSpan(r * d, d).ToArray(), baseValue, _cs[r], _em[r], _gaps[r]);
        return list;
    }
}
