using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Numerics;
using Xainomaly.Persistence;

using Tensor = Xainomaly.Numerics.Tensor;

namespace Xainomaly.Detection;

/// <summary>
/// The QoE predictor of the traffic-steering loop (SPEC §5): a small MLP regression of a UE's downlink throughput
/// from a cell's RSRP, RSRQ, RS-SINR and load (PRB usage), trained on UE reports' serving-cell measurements
/// (<c>rsrp</c>, <c>rsrq</c>, <c>rssinr</c>, <c>prb_usage</c> → <c>throughput</c>). Inputs and target are min–max
/// scaled with the training rows' ranges, which are stored with the weights; predictions are clamped at 0.
/// It is not an anomaly detector: it lives in its own model file kind, <c>qoe</c>.
/// </summary>
public sealed class QoePredictor : IThroughputPredictor
{
    /// <summary>The kind name in model files and on the command line (<c>train --model qoe</c>).</summary>
    public const string KindName = "qoe";

    /// <summary>The target column: the UE's downlink throughput.</summary>
    public const string TargetColumn = "throughput";

    private const string HeaderSection = "header.json";
    private const string WeightsSection = "qoe";
    private const int FileMagic = 0x454F5158; // "XQOE"
    private const int FileVersion = 1;
    private const int Block = 1024;

    private readonly DenseStack _stack;
    private readonly ParameterCollection _parameters = new();
    private readonly double[] _min = new double[InputCount];
    private readonly double[] _range = new double[InputCount];
    private double _targetMin, _targetRange = 1;

    /// <summary>The input columns in the canonical UE schema, in the order of <see cref="Predict(double, double, double, double)"/>.</summary>
    public static IReadOnlyList<string> InputColumns { get; } = ["rsrp", "rsrq", "rssinr", "prb_usage"];

    /// <summary>Number of inputs (RSRP, RSRQ, SINR, load).</summary>
    public const int InputCount = 4;

    private QoePredictor(QoePredictorOptions options)
    {
        Options = options;
        int[] widths = [InputCount, .. options.HiddenWidths, 1];
        var relu = new bool[widths.Length - 1];
        for (int l = 0; l < relu.Length - 1; l++) relu[l] = true;
        _stack = new DenseStack(widths, relu, NetworkRuntime.Stream(options.Seed, 1));
        _stack.AddTo(_parameters);
    }

    /// <summary>The settings it was trained with.</summary>
    public QoePredictorOptions Options { get; }

    /// <summary>Provenance and metrics stored in the model file (data source, rows, train/test figures).</summary>
    public JsonObject Info { get; private set; } = [];

    /// <summary>
    /// Splits <paramref name="table"/> into training and held-out rows (<see cref="QoePredictorOptions.TestFraction"/>),
    /// trains on the former and reports R², MAE and RMSE on both, next to the mean predictor.
    /// </summary>
    /// <exception cref="DataFormatException">A needed column is missing or holds text, or there are too few rows.</exception>
    public static QoeTrainingResult Train(KpiTable table, QoePredictorOptions? options = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new QoePredictorOptions();
        options.Validate();
        var (x, y) = Columns(table);
        int n = y.Length;
        int testCount = (int)Math.Round(options.TestFraction * n);
        if (n - testCount < 10) throw new DataFormatException(table.Source ?? "the data", $"{n - testCount} training rows; the QoE predictor needs at least 10");
        var order = new Rng(options.SplitSeed).Permutation(n);
        var test = order.AsSpan(0, testCount).ToArray();
        var train = order.AsSpan(testCount).ToArray();
        Array.Sort(test);
        Array.Sort(train);
        var clock = Stopwatch.StartNew();
        var model = new QoePredictor(options);
        model.Fit(x, y, train, progress, cancellation);
        double mean = 0;
        foreach (int i in train) mean += y[i];
        mean /= train.Length;
        var trainMetrics = model.Evaluate(x, y, train, mean);
        var testMetrics = testCount > 0 ? model.Evaluate(x, y, test, mean) : null;
        clock.Stop();
        model.Info = new JsonObject
        {
            ["data"] = table.Source,
            ["rows"] = n,
            ["trainRows"] = train.Length,
            ["testRows"] = testCount,
            ["trainingMean"] = mean,
            ["train"] = MetricsJson(trainMetrics),
            ["test"] = testMetrics is null ? null : MetricsJson(testMetrics),
        };
        return new QoeTrainingResult(model, trainMetrics, testMetrics, clock.Elapsed.TotalSeconds);
    }

    /// <summary>R², MAE and RMSE of the predictions on every row of <paramref name="table"/>; the mean predictor uses <paramref name="trainingMean"/> (default: the mean stored at training).</summary>
    public QoeMetrics Evaluate(KpiTable table, double? trainingMean = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (x, y) = Columns(table);
        var all = new int[y.Length];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        double mean = trainingMean ?? Info["trainingMean"]?.GetValue<double>() ?? y.Average();
        return Evaluate(x, y, all, mean);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public double Predict(double rsrp, double rsrq, double sinr, double load)
    {
        Span<float> row = stackalloc float[InputCount];
        Scale(rsrp, rsrq, sinr, load, row);
        Span<float> a = stackalloc float[_stack.MaxWidth];
        Span<float> b = stackalloc float[_stack.MaxWidth];
        return Unscale(Forward(row, a, b));
    }

    /// <summary>Batched form: one prediction per index of the four equally long spans.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or an input is NaN or infinite.</exception>
    public void Predict(ReadOnlySpan<double> rsrp, ReadOnlySpan<double> rsrq, ReadOnlySpan<double> sinr, ReadOnlySpan<double> load, Span<double> throughput)
    {
        int n = rsrp.Length;
        if (rsrq.Length != n || sinr.Length != n || load.Length != n || throughput.Length < n)
            throw new ArgumentException($"Batched prediction needs four inputs of one length and room for the outputs (got {rsrp.Length}, {rsrq.Length}, {sinr.Length}, {load.Length} → {throughput.Length}).");
        int block = Math.Min(Block, Math.Max(n, 1));
        float[] x = ArrayPool<float>.Shared.Rent(block * InputCount);
        float[] a = ArrayPool<float>.Shared.Rent(block * _stack.MaxWidth);
        float[] b = ArrayPool<float>.Shared.Rent(block * _stack.MaxWidth);
        float[] y = ArrayPool<float>.Shared.Rent(block);
        try
        {
            for (int start = 0; start < n; start += block)
            {
                int m = Math.Min(block, n - start);
                for (int i = 0; i < m; i++) Scale(rsrp[start + i], rsrq[start + i], sinr[start + i], load[start + i], x.AsSpan(i * InputCount, InputCount));
                _stack.Infer(x.AsSpan(0, m * InputCount), m, a, b, y.AsSpan(0, m));
                for (int i = 0; i < m; i++) throughput[start + i] = Unscale(y[i]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(x);
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
            ArrayPool<float>.Shared.Return(y);
        }
    }

    /// <summary>Predictions for every row of <paramref name="table"/> from its <see cref="InputColumns"/>.</summary>
    public double[] Predict(KpiTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var source = table.Source ?? "the data";
        var cols = new double[InputCount][];
        for (int j = 0; j < InputCount; j++) cols[j] = NumericColumn(table, InputColumns[j], source);
        var result = new double[table.RowCount];
        Predict(cols[0], cols[1], cols[2], cols[3], result);
        return result;
    }

    /// <summary>Writes the model file (kind <c>qoe</c>), atomically.</summary>
    public void Save(string path) => ModelFile.Save(path, Sections());

    /// <summary>The model file's bytes.</summary>
    public byte[] ToBytes() => ModelFile.ToBytes(Sections());

    /// <summary>Reads a model file written by <see cref="Save"/>; another kind, a foreign, truncated or corrupted file is an <see cref="InvalidDataException"/>.</summary>
    public static QoePredictor Load(string path) => FromSections(ModelFile.Load(path), path);

    /// <summary>Reads a model from its file bytes.</summary>
    public static QoePredictor FromBytes(byte[] bytes, string sourceName) => FromSections(ModelFile.FromBytes(bytes, sourceName), sourceName);

    private void Fit(float[] x, float[] y, int[] train, IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        // Scaling from the training rows only, as for the detectors' preprocessor.
        for (int j = 0; j < InputCount; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (int i in train)
            {
                lo = Math.Min(lo, x[(i * InputCount) + j]);
                hi = Math.Max(hi, x[(i * InputCount) + j]);
            }
            _min[j] = lo;
            _range[j] = hi > lo ? hi - lo : 1;
        }
        double tlo = double.PositiveInfinity, thi = double.NegativeInfinity;
        foreach (int i in train)
        {
            tlo = Math.Min(tlo, y[i]);
            thi = Math.Max(thi, y[i]);
        }
        _targetMin = tlo;
        _targetRange = thi > tlo ? thi - tlo : 1;

        int b = Math.Min(Options.BatchSize, train.Length);
        var xb = new Tensor(b, InputCount);
        var yb = new Tensor(b, 1);
        var rng = NetworkRuntime.Stream(Options.Seed, 2);
        var adam = new Adam(_parameters, Options.LearningRate);
        var tape = new Tape();
        var order = (int[])train.Clone();
        int cursor = order.Length;
        long every = Math.Max(1, Options.Steps / 100);
        for (int step = 1; step <= Options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int r = 0; r < b; r++)
            {
                if (cursor == order.Length)
                {
                    rng.Shuffle(order.AsSpan());
                    cursor = 0;
                }
                int i = order[cursor++];
                for (int j = 0; j < InputCount; j++) xb.Data[(r * InputCount) + j] = (float)((x[(i * InputCount) + j] - _min[j]) / _range[j]);
                yb.Data[r] = (float)((y[i] - _targetMin) / _targetRange);
            }
            tape.Reset();
            Tensor loss = tape.MseLoss(_stack.Forward(tape, xb, frozen: false), yb);
            tape.Backward(loss);
            adam.Step();
            if (Options.MonotoneRadio) ProjectMonotone();
            if (step % every == 0 || step == Options.Steps) progress?.Report(new TrainingProgress(step, Options.Steps, loss.Data[0]));
        }
    }

    /// <summary>
    /// Keeps the radio inputs' first-layer weights and all deeper weights non-negative: with ReLU units the output is
    /// then a non-decreasing function of RSRP, RSRQ and SINR, whatever the load.
    /// </summary>
    private void ProjectMonotone()
    {
        var layers = _stack.Layers;
        var w0 = layers[0].Weight.Data;
        int outs = layers[0].Weight.Cols;
        for (int j = 0; j < 3; j++)
        {
            var row = w0.AsSpan(j * outs, outs);
            for (int k = 0; k < row.Length; k++) if (row[k] < 0) row[k] = 0;
        }
        for (int l = 1; l < layers.Length; l++)
        {
            var w = layers[l].Weight.Data;
            for (int k = 0; k < w.Length; k++) if (w[k] < 0) w[k] = 0;
        }
    }

    private QoeMetrics Evaluate(float[] x, float[] y, int[] rows, double trainingMean)
    {
        int n = rows.Length;
        if (n == 0) return new QoeMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var r0 = new double[n];
        var r1 = new double[n];
        var r2 = new double[n];
        var r3 = new double[n];
        for (int k = 0; k < n; k++)
        {
            int i = rows[k] * InputCount;
            (r0[k], r1[k], r2[k], r3[k]) = (x[i], x[i + 1], x[i + 2], x[i + 3]);
        }
        var p = new double[n];
        Predict(r0, r1, r2, r3, p);
        double mean = 0;
        foreach (int i in rows) mean += y[i];
        mean /= n;
        double sse = 0, sst = 0, ae = 0, baseAe = 0, baseSe = 0;
        for (int k = 0; k < n; k++)
        {
            double t = y[rows[k]], e = p[k] - t;
            sse += e * e;
            ae += Math.Abs(e);
            sst += (t - mean) * (t - mean);
            baseAe += Math.Abs(trainingMean - t);
            baseSe += (trainingMean - t) * (trainingMean - t);
        }
        double r2Value = sst > 0 ? 1 - (sse / sst) : double.NaN;
        double baseR2 = sst > 0 ? 1 - (baseSe / sst) : double.NaN;
        return new QoeMetrics(n, r2Value, ae / n, Math.Sqrt(sse / n), baseAe / n, baseR2);
    }

    private void Scale(double rsrp, double rsrq, double sinr, double load, Span<float> row)
    {
        if (!double.IsFinite(rsrp) || !double.IsFinite(rsrq) || !double.IsFinite(sinr) || !double.IsFinite(load))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"QoE inputs must be finite numbers (got RSRP {rsrp}, RSRQ {rsrq}, SINR {sinr}, load {load})."));
        row[0] = (float)((rsrp - _min[0]) / _range[0]);
        row[1] = (float)((rsrq - _min[1]) / _range[1]);
        row[2] = (float)((sinr - _min[2]) / _range[2]);
        row[3] = (float)((load - _min[3]) / _range[3]);
    }

    private double Unscale(float scaled) => Math.Max(0, _targetMin + (scaled * _targetRange));

    private float Forward(ReadOnlySpan<float> row, Span<float> a, Span<float> b)
    {
        // One row through the stack with stack-allocated buffers: no allocation on the single-prediction path.
        ReadOnlySpan<float> input = row;
        var widths = _stack.Widths;
        for (int l = 0; l < _stack.Layers.Length; l++)
        {
            var outBuf = (l % 2 == 0 ? a : b)[..widths[l + 1]];
            Gemm.Linear(input, _stack.Layers[l].Weight.Data, _stack.Layers[l].Bias.Data, outBuf, 1, widths[l], widths[l + 1], _stack.Relu[l]);
            input = outBuf;
        }
        return input[0];
    }

    private static (float[] X, float[] Y) Columns(KpiTable table)
    {
        var source = table.Source ?? "the data";
        var cols = new double[InputCount][];
        for (int j = 0; j < InputCount; j++) cols[j] = NumericColumn(table, InputColumns[j], source);
        var target = NumericColumn(table, TargetColumn, source);
        int n = table.RowCount;
        var x = new float[n * InputCount];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < InputCount; j++)
            {
                double v = cols[j][i];
                if (!double.IsFinite(v)) throw new DataFormatException(source, $"row {i + 1}: '{v}' is not a finite number", null, InputColumns[j]);
                x[(i * InputCount) + j] = (float)v;
            }
            if (!double.IsFinite(target[i])) throw new DataFormatException(source, $"row {i + 1}: '{target[i]}' is not a finite number", null, TargetColumn);
            y[i] = (float)target[i];
        }
        return (x, y);
    }

    private static double[] NumericColumn(KpiTable table, string name, string source)
    {
        if (!table.TryGetColumn(name, out var c))
            throw new DataFormatException(source, $"missing column for the QoE predictor (it needs {string.Join(", ", InputColumns)} and {TargetColumn}, as in valid.csv or ue.csv)", null, name);
        return c.Numbers ?? throw new DataFormatException(source, "expected a numeric column, found text", null, name);
    }

    private static JsonObject MetricsJson(QoeMetrics m) => new()
    {
        ["rows"] = m.Rows,
        ["r2"] = m.R2,
        ["mae"] = m.Mae,
        ["rmse"] = m.Rmse,
        ["meanPredictorMae"] = m.MeanPredictorMae,
        ["meanPredictorR2"] = m.MeanPredictorR2,
    };

    private Dictionary<string, byte[]> Sections()
    {
        var header = new JsonObject
        {
            ["kind"] = KindName,
            ["productVersion"] = typeof(QoePredictor).Assembly.GetName().Version?.ToString() ?? "0",
            ["inputs"] = new JsonArray([.. InputColumns.Select(c => (JsonNode)c!)]),
            ["target"] = TargetColumn,
            ["hyperparameters"] = new JsonObject
            {
                ["architecture"] = $"4 → {string.Join(" → ", Options.HiddenWidths)} → 1, ReLU, MSE",
                ["monotoneRadio"] = Options.MonotoneRadio,
                ["steps"] = Options.Steps,
                ["batchSize"] = Options.BatchSize,
                ["learningRate"] = Options.LearningRate,
                ["seed"] = Options.Seed,
                ["testFraction"] = Options.TestFraction,
                ["splitSeed"] = Options.SplitSeed,
            },
            ["training"] = Info.DeepClone(),
        };
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            NetworkRuntime.WriteHeader(w, FileMagic, FileVersion, InputCount);
            NetworkRuntime.WriteInts(w, [.. Options.HiddenWidths]);
            for (int j = 0; j < InputCount; j++)
            {
                w.Write(_min[j]);
                w.Write(_range[j]);
            }
            w.Write(_targetMin);
            w.Write(_targetRange);
            _parameters.Save(w);
        }
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [HeaderSection] = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            [WeightsSection] = ms.ToArray(),
        };
    }

    private static QoePredictor FromSections(IReadOnlyDictionary<string, byte[]> sections, string source)
    {
        if (!sections.TryGetValue(HeaderSection, out var headerBytes)) throw new InvalidDataException($"{source}: the model file has no '{HeaderSection}' section.");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw new InvalidDataException($"{source}: the model header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the model header is not valid JSON ({e.Message}).", e);
        }
        var kind = header["kind"]?.GetValue<string>();
        if (kind != KindName) throw new InvalidDataException($"{source}: the model file holds a '{kind}' model, not a QoE predictor (train one with 'xainomaly train --model qoe').");
        if (!sections.TryGetValue(WeightsSection, out var weights)) throw new InvalidDataException($"{source}: the model file has no '{WeightsSection}' section.");
        var hp = header["hyperparameters"] as JsonObject ?? [];
        try
        {
            using var r = new BinaryReader(new MemoryStream(weights), Encoding.UTF8);
            int d = NetworkRuntime.ReadHeader(r, FileMagic, FileVersion, "QoE");
            if (d != InputCount) throw new InvalidDataException($"{source}: the QoE network takes {d} inputs, expected {InputCount}.");
            var hidden = NetworkRuntime.ReadInts(r, "QoE weights");
            var options = new QoePredictorOptions
            {
                HiddenWidths = hidden,
                Steps = hp["steps"]?.GetValue<int>() ?? 1,
                BatchSize = hp["batchSize"]?.GetValue<int>() ?? 1,
                LearningRate = hp["learningRate"]?.GetValue<float>() ?? 1e-3f,
                Seed = hp["seed"]?.GetValue<long>() ?? 0,
                TestFraction = hp["testFraction"]?.GetValue<double>() ?? 0,
                SplitSeed = hp["splitSeed"]?.GetValue<long>() ?? 0,
                MonotoneRadio = hp["monotoneRadio"]?.GetValue<bool>() ?? false,
            };
            var model = new QoePredictor(options);
            for (int j = 0; j < InputCount; j++)
            {
                model._min[j] = r.ReadDouble();
                model._range[j] = r.ReadDouble();
            }
            model._targetMin = r.ReadDouble();
            model._targetRange = r.ReadDouble();
            model._parameters.Load(r);
            model.Info = header["training"] as JsonObject ?? [];
            return model;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: the QoE weights section is truncated.", e);
        }
    }
}
