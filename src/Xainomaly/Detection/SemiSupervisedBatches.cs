using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// Mini-batches that mix B_l labelled and B_u unlabelled rows (SPEC §2), each drawn from its own shuffled pool
/// that is reshuffled when used up, so every row is seen once per pass. Buffers are reused: no allocation per batch.
/// </summary>
public sealed class SemiSupervisedBatches
{
    private readonly TrainingData _data;
    private readonly int[] _labelled;
    private readonly int[] _unlabelled;
    private readonly Rng _rng;
    private readonly int _labelledPerBatch;
    private int _lPos, _uPos;

    /// <summary>Creates the sampler; <paramref name="labelWeight"/> is α for labelled rows (λ), unlabelled rows get 0.</summary>
    public SemiSupervisedBatches(TrainingData data, int[] labelledRows, int[] unlabelledRows, int batchSize, int labelledPerBatch, float labelWeight, Rng rng)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be ≥ 1.");
        if (labelledRows.Length + unlabelledRows.Length == 0) throw new ArgumentException("No rows to train on.");
        _data = data;
        _labelled = (int[])labelledRows.Clone();
        _unlabelled = (int[])unlabelledRows.Clone();
        _rng = rng;
        BatchSize = batchSize;
        LabelWeight = labelWeight;
        _labelledPerBatch = _unlabelled.Length == 0 ? batchSize : _labelled.Length == 0 ? 0 : Math.Clamp(labelledPerBatch, 1, batchSize);
        _rng.Shuffle<int>(_labelled);
        _rng.Shuffle<int>(_unlabelled);
        X = new float[batchSize * data.Width];
        Labels = new float[batchSize];
        Weights = new float[batchSize];
        Rows = new int[batchSize];
    }

    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>α of a labelled row.</summary>
    public float LabelWeight { get; }

    /// <summary>The batch's features, row-major.</summary>
    public float[] X { get; }

    /// <summary>The batch's labels (0 for unlabelled rows, whose weight is 0).</summary>
    public float[] Labels { get; }

    /// <summary>Per-row weight α of the label loss.</summary>
    public float[] Weights { get; }

    /// <summary>Which training rows the batch holds.</summary>
    public int[] Rows { get; }

    /// <summary>Fills the next batch.</summary>
    public void Next()
    {
        int d = _data.Width;
        for (int i = 0; i < BatchSize; i++)
        {
            int row;
            if (i < _labelledPerBatch)
            {
                if (_lPos == _labelled.Length) { _rng.Shuffle<int>(_labelled); _lPos = 0; }
                row = _labelled[_lPos++];
                Labels[i] = _data.Labels[row];
                Weights[i] = LabelWeight;
            }
            else
            {
                if (_uPos == _unlabelled.Length) { _rng.Shuffle<int>(_unlabelled); _uPos = 0; }
                row = _unlabelled[_uPos++];
                Labels[i] = 0;
                Weights[i] = 0;
            }
            Rows[i] = row;
            _data.X.AsSpan(row * d, d).CopyTo(X.AsSpan(i * d, d));
        }
    }
}
