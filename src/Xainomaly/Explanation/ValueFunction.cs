using System.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// The interventional value function v_x(S) = Σ_b w_b f(x_S ∪ x'_{b,S̄}) over a <see cref="BackgroundSet"/>,
/// evaluated for many coalitions at once: masked rows are built in reused buffers and scored in chunks of about
/// <c>chunkRows</c> model rows, so no allocation happens per coalition. For an <see cref="IFloatModelFunction"/>
/// (every detector) the rows are built in float, the model's own precision, so nothing is converted per row.
/// Not thread-safe (the buffers are shared).
/// </summary>
public sealed class ValueFunction
{
    /// <summary>
    /// Default model rows per chunk: several of the detectors' 4,096-row scoring blocks, so that their batched
    /// scoring spreads one chunk over all cores, yet small enough (≈ 3 MB of float rows at d = 23) to stay in cache.
    /// </summary>
    public const int DefaultChunkRows = 32_768;

    private readonly IFloatModelFunction? _floatModel;
    private readonly float[] _floatBackground = [];
    private readonly float[] _floatRows = [];
    private readonly float[] _floatOutputs = [];
    private readonly float[] _xLanes = [];
    private readonly int[] _maskLanes = [];
    private readonly int _vectorsPerRow;
    private readonly double[] _rows = [];
    private readonly double[] _outputs = [];
    private readonly int _coalitionsPerChunk;
    private double? _baseValue;

    /// <summary>Creates the value function of <paramref name="model"/> over <paramref name="background"/>.</summary>
    /// <param name="model">The explained output f.</param>
    /// <param name="background">X_b with weights.</param>
    /// <param name="featureNames">Names per feature; defaults to x0, x1, …</param>
    /// <param name="chunkRows">Model rows scored per call (a coalition's background block is never split).</param>
    public ValueFunction(IModelFunction model, BackgroundSet background, IReadOnlyList<string>? featureNames = null, int chunkRows = DefaultChunkRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        if (background.Width != model.InputWidth)
            throw new ArgumentException($"The background has {background.Width} features but the model takes {model.InputWidth}.", nameof(background));
        if (featureNames is not null && featureNames.Count != model.InputWidth)
            throw new ArgumentException($"{featureNames.Count} feature names were given for a model of {model.InputWidth} features.", nameof(featureNames));
        Model = model;
        Background = background;
        Width = model.InputWidth;
        FeatureNames = featureNames ?? DefaultNames(Width);
        _coalitionsPerChunk = Math.Max(1, chunkRows / background.Count);
        int chunk = _coalitionsPerChunk * background.Count;
        _floatModel = model as IFloatModelFunction;
        if (_floatModel is not null)
        {
            // Rows are blended a vector at a time; the last vector of a row runs up to pad floats past its end, so the
            // background and the chunk are padded (the overrun lands in the next row, which is written after it).
            _vectorsPerRow = (Width + Vector<float>.Count - 1) / Vector<float>.Count;
            int lanes = _vectorsPerRow * Vector<float>.Count, pad = lanes - Width;
            _floatBackground = new float[background.Rows.Length + pad];
            for (int i = 0; i < background.Rows.Length; i++) _floatBackground[i] = (float)background.Rows[i];
            _floatRows = new float[(chunk * Width) + pad];
            _xLanes = new float[lanes];
            _maskLanes = new int[lanes];
            _floatOutputs = new float[chunk];
        }
        else
        {
            _rows = new double[chunk * Width];
            _outputs = new double[chunk];
        }
    }

    /// <summary>The explained output f.</summary>
    public IModelFunction Model { get; }

    /// <summary>The background X_b.</summary>
    public BackgroundSet Background { get; }

    /// <summary>Number of features d.</summary>
    public int Width { get; }

    /// <summary>Feature names.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Model rows evaluated so far (cost accounting).</summary>
    public long Evaluations { get; private set; }

    /// <summary>v(∅) = E[f(x')] = Σ_b w_b f(x'_b), computed once.</summary>
    public double BaseValue
    {
        get
        {
            if (_baseValue is null)
            {
                var outputs = new double[Background.Count];
                Model.Evaluate(Background.Rows, Background.Count, outputs);
                Evaluations += Background.Count;
                double s = 0;
                for (int b = 0; b < outputs.Length; b++) s += Background.Weights[b] * outputs[b];
                _baseValue = s;
            }
            return _baseValue.Value;
        }
    }

    /// <summary>f(x) = v(N) of one row.</summary>
    public double Output(ReadOnlySpan<double> x)
    {
        CheckRow(x);
        Span<double> o = stackalloc double[1];
        Model.Evaluate(x, 1, o);
        Evaluations++;
        return o[0];
    }

    /// <summary>
    /// v_x(S) for <paramref name="coalitions"/> coalitions given as row-major byte masks (1 = feature taken from x).
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<byte> masks, int coalitions, Span<double> values)
    {
        CheckRow(x);
        EvaluateMany(x, 1, masks, coalitions, values);
    }

    /// <summary>
    /// v_x(S) of many explained rows at once: row r of <paramref name="xRows"/> (count × d) has the
    /// <paramref name="coalitionsPerRow"/> masks starting at mask r × coalitionsPerRow, and its values land in the same
    /// slots of <paramref name="values"/>. Masked rows of all (row, coalition) pairs are packed into one chunk, so a
    /// batch costs one model call per chunk instead of one per row.
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="count"/> rows.</exception>
    public void EvaluateMany(ReadOnlySpan<float> xRows, int count, ReadOnlySpan<byte> masks, int coalitionsPerRow, Span<double> values) =>
        EvaluateManyCore(xRows, count, masks, coalitionsPerRow, values);

    /// <summary>v_x(S) of many double-precision rows at once; see the float overload.</summary>
    /// <exception cref="ArgumentException">A span is too short for <paramref name="count"/> rows.</exception>
    public void EvaluateMany(ReadOnlySpan<double> xRows, int count, ReadOnlySpan<byte> masks, int coalitionsPerRow, Span<double> values) =>
        EvaluateManyCore(xRows, count, masks, coalitionsPerRow, values);

    /// <summary>The checked body of both <c>EvaluateMany</c> overloads, for callers generic over the rows' precision.</summary>
    internal void EvaluateManyCore<T>(ReadOnlySpan<T> xRows, int count, ReadOnlySpan<byte> masks, int coalitionsPerRow, Span<double> values)
        where T : unmanaged, INumberBase<T>
    {
        CheckMany(xRows.Length, count, masks.Length, coalitionsPerRow, values.Length);
        EvaluateCore(xRows, count * coalitionsPerRow, masks, coalitionsPerRow, values);
    }

    /// <summary>Coalitions whose masked rows fit one chunk (one model call).</summary>
    internal int CoalitionsPerChunk => _coalitionsPerChunk;

    /// <summary>
    /// Builds the masked rows of <paramref name="total"/> coalitions (coalition i belongs to explained row
    /// i / <paramref name="perRow"/>) chunk by chunk in the model's precision, scores each chunk with one call and
    /// reduces it to v. Generic over the explained rows' precision so that float rows are never widened.
    /// </summary>
    private void EvaluateCore<T>(ReadOnlySpan<T> xRows, int total, ReadOnlySpan<byte> masks, int perRow, Span<double> values)
        where T : unmanaged, INumberBase<T>
    {
        int d = Width, nb = Background.Count, blockLength = nb * d;
        for (int start = 0; start < total; start += _coalitionsPerChunk)
        {
            int nc = Math.Min(_coalitionsPerChunk, total - start);
            int n = nc * nb;
            if (_floatModel is not null)
            {
                int row = -1;
                for (int c = 0; c < nc; c++)
                {
                    int i = start + c;
                    if (i / perRow != row)
                    {
                        row = i / perRow;
                        var x = xRows.Slice(row * d, d);
                        for (int j = 0; j < d; j++) _xLanes[j] = float.CreateTruncating(x[j]);
                    }
                    BlendBlock(masks.Slice(i * d, d), c * blockLength);
                }
                _floatModel.Evaluate(_floatRows.AsSpan(0, n * d), n, _floatOutputs.AsSpan(0, n));
                // Reduced straight from the float outputs: widening a float is exact, so no double copy is needed.
                Reduce<float>(_floatOutputs, start, nc, values);
            }
            else
            {
                var bg = Background.Rows.AsSpan(0, blockLength);
                for (int c = 0; c < nc; c++)
                {
                    int i = start + c;
                    var x = xRows.Slice(i / perRow * d, d);
                    var mask = masks.Slice(i * d, d);
                    var block = _rows.AsSpan(c * blockLength, blockLength);
                    bg.CopyTo(block);
                    for (int j = 0; j < d; j++)
                    {
                        if (mask[j] == 0) continue;
                        double xj = double.CreateTruncating(x[j]);
                        for (int o = j; o < blockLength; o += d) block[o] = xj;
                    }
                }
                Model.Evaluate(_rows.AsSpan(0, n * d), n, _outputs.AsSpan(0, n));
                Reduce<double>(_outputs, start, nc, values);
            }
            Evaluations += n;
        }
    }

    /// <summary>
    /// Writes the coalition's block of masked rows at <paramref name="offset"/> of the chunk: row b is x where the mask
    /// is set, else background row b — a lane-wise select of whole vectors (exact, branch-free), instead of a branch
    /// and a strided write per feature. <c>_xLanes</c> holds the explained row.
    /// </summary>
    private void BlendBlock(ReadOnlySpan<byte> mask, int offset)
    {
        int d = Width, nb = Background.Count, w = Vector<float>.Count, vectors = _vectorsPerRow;
        // All bits set where the feature is taken; min, not a conditional, so that random masks cost no mispredictions.
        for (int j = 0; j < d; j++) _maskLanes[j] = -Math.Min((int)mask[j], 1);
        var rows = _floatRows.AsSpan();
        var bg = _floatBackground.AsSpan();
        if (vectors == 3)
        {
            // The common width (d = 17…24 with 8 lanes): the row's three vectors stay in registers.
            var m0 = new Vector<int>(_maskLanes, 0);
            var m1 = new Vector<int>(_maskLanes, w);
            var m2 = new Vector<int>(_maskLanes, 2 * w);
            var x0 = new Vector<float>(_xLanes, 0);
            var x1 = new Vector<float>(_xLanes, w);
            var x2 = new Vector<float>(_xLanes, 2 * w);
            for (int b = 0; b < nb; b++)
            {
                int src = b * d, dst = offset + src;
                Vector.ConditionalSelect(m0, x0, new Vector<float>(bg[src..])).CopyTo(rows[dst..]);
                Vector.ConditionalSelect(m1, x1, new Vector<float>(bg[(src + w)..])).CopyTo(rows[(dst + w)..]);
                Vector.ConditionalSelect(m2, x2, new Vector<float>(bg[(src + (2 * w))..])).CopyTo(rows[(dst + (2 * w))..]);
            }
            return;
        }
        for (int b = 0; b < nb; b++)
        {
            int src = b * d, dst = offset + src;
            for (int v = 0; v < vectors; v++)
            {
                int o = v * w;
                Vector.ConditionalSelect(new Vector<int>(_maskLanes, o), new Vector<float>(_xLanes, o), new Vector<float>(bg[(src + o)..]))
                    .CopyTo(rows[(dst + o)..]);
            }
        }
    }

    /// <summary>v of each coalition of the chunk = the background-weighted mean of its block of outputs.</summary>
    private void Reduce<T>(ReadOnlySpan<T> outputs, int start, int coalitions, Span<double> values)
        where T : unmanaged, INumberBase<T>
    {
        int nb = Background.Count;
        var w = Background.Weights;
        for (int c = 0; c < coalitions; c++)
        {
            double s = 0;
            for (int b = 0; b < nb; b++) s += w[b] * double.CreateTruncating(outputs[c * nb + b]);
            values[start + c] = s;
        }
    }

    private void CheckMany(int xLength, int count, int maskLength, int perRow, int valueLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perRow);
        int d = Width;
        long coalitions = (long)count * perRow;
        if (xLength < (long)count * d)
            throw new ArgumentException($"{xLength} values cannot hold {count} explained rows of {d} features.");
        if (maskLength < coalitions * d)
            throw new ArgumentException($"{maskLength} mask bytes cannot hold {coalitions} coalitions of {d} features.");
        if (valueLength < coalitions)
            throw new ArgumentException($"{valueLength} value slots for {coalitions} coalitions.");
        if (coalitions > int.MaxValue) throw new ArgumentException($"{coalitions} coalitions in one call are too many; split the rows.");
    }

    private void CheckRow(ReadOnlySpan<double> x)
    {
        if (x.Length != Width) throw new ArgumentException($"The explained row has {x.Length} features; the model takes {Width}.", nameof(x));
    }

    private static string[] DefaultNames(int d)
    {
        var names = new string[d];
        for (int j = 0; j < d; j++) names[j] = "x" + j.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }
}
