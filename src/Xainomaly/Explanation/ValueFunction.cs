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
    private readonly float[] _floatX = [];
    private readonly double[] _rows = [];
    private readonly double[] _outputs;
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
        _outputs = new double[chunk];
        _floatModel = model as IFloatModelFunction;
        if (_floatModel is not null)
        {
            _floatBackground = new float[background.Rows.Length];
            for (int i = 0; i < _floatBackground.Length; i++) _floatBackground[i] = (float)background.Rows[i];
            _floatRows = new float[chunk * Width];
            _floatOutputs = new float[chunk];
            _floatX = new float[Width];
        }
        else
        {
            _rows = new double[chunk * Width];
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
        int d = Width, nb = Background.Count;
        if (masks.Length < coalitions * d) throw new ArgumentException($"{masks.Length} mask bytes cannot hold {coalitions} coalitions of {d} features.", nameof(masks));
        if (values.Length < coalitions) throw new ArgumentException($"{values.Length} value slots for {coalitions} coalitions.", nameof(values));
        if (_floatModel is not null)
        {
            EvaluateFloat(x, masks, coalitions, values);
            return;
        }
        var bg = Background.Rows;
        for (int start = 0; start < coalitions; start += _coalitionsPerChunk)
        {
            int nc = Math.Min(_coalitionsPerChunk, coalitions - start);
            for (int c = 0; c < nc; c++)
            {
                var mask = masks.Slice((start + c) * d, d);
                var block = _rows.AsSpan(c * nb * d, nb * d);
                bg.AsSpan(0, nb * d).CopyTo(block);
                for (int j = 0; j < d; j++)
                {
                    if (mask[j] == 0) continue;
                    double xj = x[j];
                    for (int b = 0; b < nb; b++) block[b * d + j] = xj;
                }
            }
            int n = nc * nb;
            Model.Evaluate(_rows.AsSpan(0, n * d), n, _outputs.AsSpan(0, n));
            Evaluations += n;
            Reduce(start, nc, _outputs, values);
        }
    }

    private void EvaluateFloat(ReadOnlySpan<double> x, ReadOnlySpan<byte> masks, int coalitions, Span<double> values)
    {
        int d = Width, nb = Background.Count, blockLength = nb * d;
        var xf = _floatX;
        for (int j = 0; j < d; j++) xf[j] = (float)x[j];
        var bg = _floatBackground.AsSpan(0, blockLength);
        for (int start = 0; start < coalitions; start += _coalitionsPerChunk)
        {
            int nc = Math.Min(_coalitionsPerChunk, coalitions - start);
            for (int c = 0; c < nc; c++)
            {
                var mask = masks.Slice((start + c) * d, d);
                var block = _floatRows.AsSpan(c * blockLength, blockLength);
                bg.CopyTo(block);
                // Patch the coalition's columns with x: a strided write per taken feature beats a per-element select.
                for (int j = 0; j < d; j++)
                {
                    if (mask[j] == 0) continue;
                    float xj = xf[j];
                    for (int o = j; o < blockLength; o += d) block[o] = xj;
                }
            }
            int n = nc * nb;
            _floatModel!.Evaluate(_floatRows.AsSpan(0, n * d), n, _floatOutputs.AsSpan(0, n));
            Evaluations += n;
            for (int i = 0; i < n; i++) _outputs[i] = _floatOutputs[i];
            Reduce(start, nc, _outputs, values);
        }
    }

    /// <summary>v of each coalition of the chunk = the background-weighted mean of its block of outputs.</summary>
    private void Reduce(int start, int coalitions, double[] outputs, Span<double> values)
    {
        int nb = Background.Count;
        var w = Background.Weights;
        for (int c = 0; c < coalitions; c++)
        {
            double s = 0;
            for (int b = 0; b < nb; b++) s += w[b] * outputs[c * nb + b];
            values[start + c] = s;
        }
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
