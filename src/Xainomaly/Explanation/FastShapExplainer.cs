using System.Diagnostics;
using System.Numerics;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// FastSHAP (Jethani et al., ICLR 2022): an explainer network φ_fast(x; θ) trained over the data so that an explanation
/// is one forward pass. Loss (SPEC §3): E_x E_{s ~ p(s)} (v_x(s) − v_x(0) − sᵀφ̂)² with p the Shapley kernel, paired
/// coalitions (s and its complement) and the efficiency normalisation φ̂ = φ + (v_x(1) − v_x(0) − 1ᵀφ)/d inside the
/// loss and at inference. fastSHAP-C (<c>ExplainWithConfidence</c>) adds the confidence score CS and error
/// metric EM over sampled coalitions. Not thread-safe: explanations reuse buffers.
/// </summary>
public sealed class FastShapExplainer : IShapleyExplainer
{
    private const int Magic = 0x48534658; // "XFSH"
    private const int Version = 1;
    private const int Chunk = 256;

    private readonly IModelFunction _model;
    private readonly ValueFunction _v;
    private readonly FastShapNetwork _net;
    private readonly double _scale;
    private readonly float[] _xf;
    private readonly double[] _xd;
    private readonly float[] _fxf;
    private readonly double[] _fx;
    private ShapleyKernelSampler? _sampler;
    private byte[] _masks = [];
    private double[] _values = [];

    private FastShapExplainer(IModelFunction model, BackgroundSet background, IReadOnlyList<string> featureNames, FastShapOptions options,
        FastShapNetwork network, double scale, IReadOnlyList<FastShapEpoch> history, int bestEpoch)
    {
        _model = model;
        _v = new ValueFunction(model, background, featureNames);
        _net = network;
        _net.EnsureCapacity(Math.Max(Chunk, options.BatchSize));
        _scale = scale;
        Options = options;
        LossHistory = history;
        BestEpoch = bestEpoch;
        // Per-chunk buffers: double rows are narrowed for the network, float rows widened only for a double-only model.
        _xf = new float[Chunk * Width];
        _xd = model is IFloatModelFunction ? [] : new double[Chunk * Width];
        _fxf = new float[Chunk];
        _fx = new double[Chunk];
    }

    /// <inheritdoc />
    public string Method => "fastshap";

    /// <summary>Number of features d.</summary>
    public int Width => _v.Width;

    /// <summary>Feature names.</summary>
    public IReadOnlyList<string> FeatureNames => _v.FeatureNames;

    /// <summary>The background of the value function the explainer was trained for.</summary>
    public BackgroundSet Background => _v.Background;

    /// <summary>The value function (background and explained output).</summary>
    public ValueFunction ValueFunction => _v;

    /// <summary>E[f(x')] over the background.</summary>
    public double BaseValue => _v.BaseValue;

    /// <summary>The settings the explainer was trained with.</summary>
    public FastShapOptions Options { get; }

    /// <summary>Train and validation loss per epoch.</summary>
    public IReadOnlyList<FastShapEpoch> LossHistory { get; }

    /// <summary>The epoch whose weights were kept (best validation loss).</summary>
    public int BestEpoch { get; }

    /// <summary>The validation loss of <see cref="BestEpoch"/> (training loss when nothing was held out).</summary>
    public double BestValidationLoss
    {
        get
        {
            if (BestEpoch < 1 || BestEpoch > LossHistory.Count) return double.NaN;
            var e = LossHistory[BestEpoch - 1];
            return double.IsNaN(e.ValidationLoss) ? e.TrainLoss : e.ValidationLoss;
        }
    }

    /// <summary>Trainable scalars of the explainer network.</summary>
    public int ParameterCount => _net.Parameters.ScalarCount;

    /// <summary>
    /// Trains the explainer on <paramref name="count"/> row-major <paramref name="trainRows"/> (the model's inputs):
    /// per epoch fresh paired Shapley-kernel coalitions per row, targets v_x(s) − v_x(0) from the batched value function,
    /// Adam on mini-batches, early stopping on a held-out share restoring the best weights.
    /// </summary>
    /// <exception cref="ArgumentException">Widths disagree, there are too few rows or features, or an option is out of range.</exception>
    public static FastShapExplainer Fit(IModelFunction model, BackgroundSet background, IReadOnlyList<string> featureNames,
        ReadOnlySpan<float> trainRows, int count, FastShapOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int d = model.InputWidth;
        if (background.Width != d)
            throw new ArgumentException($"The background has {background.Width} features but the model takes {d}.", nameof(background));
        if (featureNames.Count != d)
            throw new ArgumentException($"{featureNames.Count} feature names were given for a model of {d} features.", nameof(featureNames));
        if (d < 2) throw new ArgumentException($"FastSHAP needs at least 2 features; the model takes {d} (with one feature φ = f(x) − E f exactly).", nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (trainRows.Length != (long)count * d)
            throw new ArgumentException($"{trainRows.Length} values are not {count} rows of {d} features.", nameof(trainRows));
        if (count < 2) throw new ArgumentException($"FastSHAP needs at least 2 training rows; {count} given.", nameof(count));
        for (int i = 0; i < trainRows.Length; i++)
            if (!float.IsFinite(trainRows[i]))
                throw new ArgumentException($"Training row {i / d}, feature '{featureNames[i % d]}' is {trainRows[i]}; expected a finite value.", nameof(trainRows));

        var rng = new Rng(options.Seed);
        var network = new FastShapNetwork(d, options.HiddenLayers, options.HiddenWidth, rng.Fork(1));
        var split = rng.Fork(2).Permutation(count);
        var coalitionRng = rng.Fork(3);
        var validationRng = rng.Fork(4);
        var orderRng = rng.Fork(5);

        int nVal = options.ValidationShare > 0 ? Math.Clamp((int)Math.Round(options.ValidationShare * count), 1, count - 1) : 0;
        int nTrain = count - nVal;
        var xTrain = new float[nTrain * d];
        var xVal = new float[nVal * d];
        for (int i = 0; i < count; i++)
        {
            var src = trainRows.Slice(split[i] * d, d);
            if (i < nTrain) src.CopyTo(xTrain.AsSpan(i * d, d));
            else src.CopyTo(xVal.AsSpan((i - nTrain) * d, d));
        }

        var v = new ValueFunction(model, background, featureNames);
        double baseValue = v.BaseValue;
        var xTrainD = Widen(xTrain, xTrain.Length);
        var xValD = Widen(xVal, xVal.Length);
        var deltaTrain = Deltas(model, xTrainD, nTrain, d, baseValue);
        var deltaVal = Deltas(model, xValD, nVal, d, baseValue);

        // Targets are learnt in units of the RMS of f(x) − E f, so Adam's step size suits any score scale.
        double ss = 0;
        foreach (var t in deltaTrain) ss += t * t;
        double scale = Math.Sqrt(ss / nTrain);
        if (!(scale > 1e-12) || !double.IsFinite(scale)) scale = 1;
        for (int i = 0; i < nTrain; i++) deltaTrain[i] /= scale;
        for (int i = 0; i < nVal; i++) deltaVal[i] /= scale;

        var sampler = new ShapleyKernelSampler(d);
        int m = options.CoalitionSamples;
        var trainMasks = new byte[nTrain * m * d];
        var trainTargets = new float[nTrain * m];
        var valMasks = new byte[nVal * m * d];
        var valTargets = new float[nVal * m];
        var values = new double[m];
        // Validation coalitions are drawn once, so the validation loss of different epochs is comparable.
        Targets(v, sampler, validationRng, xValD, nVal, m, valMasks, valTargets, values, baseValue, scale);

        int batch = Math.Min(options.BatchSize, nTrain);
        network.EnsureCapacity(Math.Max(Chunk, batch));
        var adam = new Adam(network.Parameters, options.LearningRate);
        var batchX = new float[batch * d];
        var gradPhi = new float[batch * d];
        var order = new int[nTrain];
        for (int i = 0; i < nTrain; i++) order[i] = i;

        var history = new List<FastShapEpoch>();
        double best = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        float[][]? bestWeights = null;
        for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            Targets(v, sampler, coalitionRng, xTrainD, nTrain, m, trainMasks, trainTargets, values, baseValue, scale);
            orderRng.Shuffle(order.AsSpan());
            double trainSum = 0;
            for (int start = 0; start < nTrain; start += batch)
            {
                int n = Math.Min(batch, nTrain - start);
                for (int r = 0; r < n; r++) xTrain.AsSpan(order[start + r] * d, d).CopyTo(batchX.AsSpan(r * d, d));
                var phi = network.Forward(batchX, n);
                float gradScale = 2f / (n * m);
                for (int r = 0; r < n; r++)
                {
                    int row = order[start + r];
                    trainSum += Residuals(phi.Slice(r * d, d), deltaTrain[row], trainMasks.AsSpan(row * m * d, m * d), trainTargets.AsSpan(row * m, m),
                        gradPhi.AsSpan(r * d, d), gradScale);
                }
                network.Backward(batchX, n, gradPhi);
                adam.Step();
            }
            double trainLoss = trainSum / ((double)nTrain * m) * scale * scale;
            double valLoss = double.NaN;
            if (nVal > 0)
            {
                double valSum = 0;
                for (int start = 0; start < nVal; start += Chunk)
                {
                    int n = Math.Min(Chunk, nVal - start);
                    var phi = network.Forward(xVal.AsSpan(start * d, n * d), n);
                    for (int r = 0; r < n; r++)
                    {
                        int row = start + r;
                        valSum += Residuals(phi.Slice(r * d, d), deltaVal[row], valMasks.AsSpan(row * m * d, m * d), valTargets.AsSpan(row * m, m), default, 0);
                    }
                }
                valLoss = valSum / ((double)nVal * m) * scale * scale;
            }
            history.Add(new FastShapEpoch(epoch, trainLoss, valLoss));
            double monitored = nVal > 0 ? valLoss : trainLoss;
            if (!double.IsFinite(monitored))
                throw new InvalidOperationException($"FastSHAP training diverged at epoch {epoch} (loss {monitored}); lower the learning rate.");
            if (monitored < best)
            {
                best = monitored;
                bestEpoch = epoch;
                sinceBest = 0;
                bestWeights = network.Snapshot();
            }
            else
            {
                sinceBest++;
            }
            progress?.Report(new TrainingProgress(epoch, options.MaxEpochs, trainLoss, nVal > 0 ? valLoss : null, null, "fastshap"));
            if (sinceBest >= options.Patience) break;
        }
        if (bestWeights is not null) network.Restore(bestWeights);
        return new FastShapExplainer(model, background, featureNames, options, network, scale, history, bestEpoch);
    }

    /// <inheritdoc />
    public ExplanationSet Explain(ReadOnlySpan<double> rows, int count)
    {
        CheckRows(rows.Length, count);
        var clock = Stopwatch.StartNew();
        var data = rows[..(count * Width)].ToArray();
        return NewSet(default, data, count, clock);
    }

    /// <summary>
    /// The fast path: φ of <paramref name="count"/> float rows into <paramref name="phi"/> (count × d), efficiency-normalised,
    /// with no allocation per call.
    /// </summary>
    public void Explain(ReadOnlySpan<float> rows, int count, Span<float> phi)
    {
        CheckRows(rows.Length, count);
        int d = Width;
        if (phi.Length < count * d) throw new ArgumentException($"{phi.Length} slots cannot hold φ of {count} rows of {d} features.", nameof(phi));
        double baseValue = _v.BaseValue;
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            var xs = rows.Slice(start * d, n * d);
            Outputs(xs, default, n, _fx);
            var raw = _net.Forward(xs, n);
            for (int r = 0; r < n; r++)
            {
                var rawRow = raw.Slice(r * d, d);
                double sum = 0;
                for (int j = 0; j < d; j++) sum += rawRow[j];
                double shift = (_fx[r] - baseValue - _scale * sum) / d;
                var o = phi.Slice((start + r) * d, d);
                for (int j = 0; j < d; j++) o[j] = (float)(_scale * rawRow[j] + shift);
            }
        }
    }

    /// <summary>
    /// Explains float rows (e.g. preprocessed detector inputs) into an <see cref="ExplanationSet"/>; the rows feed the
    /// network and a float model as they are, only the result's <see cref="ExplanationSet.Data"/> is widened.
    /// </summary>
    public ExplanationSet Explain(ReadOnlySpan<float> rows, int count)
    {
        CheckRows(rows.Length, count);
        var clock = Stopwatch.StartNew();
        return NewSet(rows, Widen(rows, count * Width), count, clock);
    }

    /// <summary>
    /// fastSHAP-C: the FastSHAP explanation plus, per row, over <paramref name="coalitions"/> coalitions s_k drawn from the
    /// Shapley kernel, CS = 1/n Σ |v_x(s_k) − v_x(0) − s_kᵀφ̂| and EM = 1/n Σ (…)², and the efficiency gap.
    /// The coalitions are drawn row after row from one generator seeded with <paramref name="seed"/>; the masked rows of
    /// many rows share one model call (see <see cref="ValueFunction.EvaluateMany(ReadOnlySpan{double}, int, ReadOnlySpan{byte}, int, Span{double})"/>).
    /// </summary>
    public ExplanationSet ExplainWithConfidence(ReadOnlySpan<double> rows, int count, int coalitions, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coalitions);
        CheckRows(rows.Length, count);
        var clock = Stopwatch.StartNew();
        long before = _v.Evaluations;
        var data = rows[..(count * Width)].ToArray();
        var set = NewSet(default, data, count, clock);
        return WithConfidence(set, (ReadOnlySpan<double>)data, coalitions, seed, before, clock);
    }

    /// <summary>fastSHAP-C over float rows, without widening them for the network or a float model.</summary>
    public ExplanationSet ExplainWithConfidence(ReadOnlySpan<float> rows, int count, int coalitions, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coalitions);
        CheckRows(rows.Length, count);
        var clock = Stopwatch.StartNew();
        long before = _v.Evaluations;
        var set = NewSet(rows, Widen(rows, count * Width), count, clock);
        return WithConfidence(set, rows[..(count * Width)], coalitions, seed, before, clock);
    }

    /// <summary>
    /// fastSHAP-C into the caller's buffers, for a service that keeps them across calls: φ (count × d), f(x), the
    /// efficiency gap, CS and EM of <paramref name="count"/> float rows; the same numbers as the
    /// <see cref="ExplanationSet"/> overloads, with no allocation per call beyond the coalition generator.
    /// </summary>
    /// <exception cref="ArgumentException">The rows do not have the explainer's width, or a buffer is too short.</exception>
    public void ExplainWithConfidence(ReadOnlySpan<float> rows, int count, int coalitions, long seed,
        Span<double> phi, Span<double> outputs, Span<double> efficiencyGaps, Span<double> confidenceScores, Span<double> errorMetrics)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coalitions);
        CheckRows(rows.Length, count);
        int d = Width;
        if (phi.Length < (long)count * d) throw new ArgumentException($"{phi.Length} slots cannot hold φ of {count} rows of {d} features.", nameof(phi));
        if (outputs.Length < count || efficiencyGaps.Length < count || confidenceScores.Length < count || errorMetrics.Length < count)
            throw new ArgumentException($"The output, efficiency-gap, CS and EM buffers each need {count} slots.");
        var x = rows[..(count * d)];
        PhiCore(x, default, count, phi, outputs, efficiencyGaps);
        ConfidenceCore(x, count, phi, coalitions, seed, confidenceScores, errorMetrics);
    }

    /// <summary>
    /// Writes everything but the explained model: feature names, background, options, target scale, loss history and
    /// the network's weights. The same training gives the same bytes.
    /// </summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(Version);
        int d = Width;
        writer.Write(d);
        foreach (var name in FeatureNames) writer.Write(name);
        var bg = Background;
        writer.Write(bg.Count);
        foreach (var value in bg.Rows) writer.Write(value);
        foreach (var w in bg.Weights) writer.Write(w);
        var o = Options;
        writer.Write(o.HiddenLayers);
        writer.Write(o.HiddenWidth);
        writer.Write(o.LearningRate);
        writer.Write(o.BatchSize);
        writer.Write(o.CoalitionSamples);
        writer.Write(o.MaxEpochs);
        writer.Write(o.Patience);
        writer.Write(o.ValidationShare);
        writer.Write(o.BackgroundSize);
        writer.Write(o.KMeans);
        writer.Write((int)o.Output);
        writer.Write(o.Seed);
        writer.Write(_scale);
        writer.Write(BestEpoch);
        writer.Write(LossHistory.Count);
        foreach (var e in LossHistory)
        {
            writer.Write(e.Epoch);
            writer.Write(e.TrainLoss);
            writer.Write(e.ValidationLoss);
        }
        _net.Parameters.Save(writer);
    }

    /// <summary>Reads an explainer written by <see cref="Save"/> for the explained output <paramref name="model"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a FastSHAP explainer, or its width differs from the model's.</exception>
    public static FastShapExplainer Read(BinaryReader reader, IModelFunction model)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            if (reader.ReadInt32() != Magic) throw new InvalidDataException("Not a FastSHAP explainer (bad signature).");
            int version = reader.ReadInt32();
            if (version != Version) throw new InvalidDataException($"FastSHAP explainer version {version}; this build reads version {Version}.");
            int d = reader.ReadInt32();
            if (d != model.InputWidth)
                throw new InvalidDataException($"The FastSHAP explainer was trained for {d} features but the model takes {model.InputWidth}.");
            var names = new string[d];
            for (int j = 0; j < d; j++) names[j] = reader.ReadString();
            int nb = reader.ReadInt32();
            if (nb < 1 || nb > 1_000_000) throw new InvalidDataException($"Implausible background size {nb}.");
            var rows = new double[nb * d];
            for (int i = 0; i < rows.Length; i++) rows[i] = reader.ReadDouble();
            var weights = new double[nb];
            for (int i = 0; i < nb; i++) weights[i] = reader.ReadDouble();
            var options = new FastShapOptions
            {
                HiddenLayers = reader.ReadInt32(),
                HiddenWidth = reader.ReadInt32(),
                LearningRate = reader.ReadSingle(),
                BatchSize = reader.ReadInt32(),
                CoalitionSamples = reader.ReadInt32(),
                MaxEpochs = reader.ReadInt32(),
                Patience = reader.ReadInt32(),
                ValidationShare = reader.ReadDouble(),
                BackgroundSize = reader.ReadInt32(),
                KMeans = reader.ReadInt32(),
                Output = (FastShapOutput)reader.ReadInt32(),
                Seed = reader.ReadInt64(),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException("The stored FastSHAP options are invalid: " + e.Message, e);
            }
            double scale = reader.ReadDouble();
            int bestEpoch = reader.ReadInt32();
            int epochs = reader.ReadInt32();
            if (epochs < 0 || epochs > 1_000_000) throw new InvalidDataException($"Implausible epoch count {epochs}.");
            var history = new FastShapEpoch[epochs];
            for (int i = 0; i < epochs; i++) history[i] = new FastShapEpoch(reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble());
            var network = new FastShapNetwork(d, options.HiddenLayers, options.HiddenWidth, new Rng(0));
            network.Parameters.Load(reader);
            BackgroundSet background;
            try
            {
                background = BackgroundSet.FromRows(rows, d, weights);
                // FromRows renormalises; the stored weights already sum to 1 and are kept bit for bit, so a loaded
                // explainer reproduces the saved one's base value and φ exactly.
                weights.CopyTo(background.Weights, 0);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException("The stored background is invalid: " + e.Message, e);
            }
            return new FastShapExplainer(model, background, names, options, network, scale, history, bestEpoch);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The FastSHAP explainer is truncated.", e);
        }
    }

    /// <summary>An <see cref="ExplanationSet"/> of <paramref name="count"/> rows (see <see cref="PhiCore"/>).</summary>
    private ExplanationSet NewSet(ReadOnlySpan<float> floats, double[] data, int count, Stopwatch clock)
    {
        int d = Width;
        var values = new double[count * d];
        var outputs = new double[count];
        var gaps = new double[count];
        PhiCore(floats, data, count, values, outputs, gaps);
        var bases = new double[count];
        Array.Fill(bases, _v.BaseValue);
        return new ExplanationSet
        {
            Method = Method,
            FeatureNames = FeatureNames,
            Count = count,
            BaseValues = bases,
            Outputs = outputs,
            Values = values,
            Data = data,
            EfficiencyGaps = gaps,
            WallTime = clock.Elapsed,
            ModelEvaluations = count,
        };
    }

    /// <summary>
    /// φ, f(x) and the efficiency gap of <paramref name="count"/> rows, given in float (<paramref name="floats"/>) or,
    /// when that is empty, in double (<paramref name="doubles"/>). Float rows go to the network and a float model as
    /// they are; double rows are narrowed per chunk in a reused buffer.
    /// </summary>
    private void PhiCore(ReadOnlySpan<float> floats, ReadOnlySpan<double> doubles, int count, Span<double> values, Span<double> outputs, Span<double> gaps)
    {
        int d = Width;
        double baseValue = _v.BaseValue;
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            ReadOnlySpan<float> xf;
            ReadOnlySpan<double> xd = default;
            if (floats.IsEmpty)
            {
                xd = doubles.Slice(start * d, n * d);
                var narrowed = _xf.AsSpan(0, n * d);
                for (int i = 0; i < narrowed.Length; i++) narrowed[i] = (float)xd[i];
                xf = narrowed;
            }
            else
            {
                xf = floats.Slice(start * d, n * d);
            }
            Outputs(xf, xd, n, _fx);
            var raw = _net.Forward(xf, n);
            for (int r = 0; r < n; r++)
            {
                int row = start + r;
                double fx = _fx[r];
                outputs[row] = fx;
                var phi = values.Slice(row * d, d);
                Normalise(raw.Slice(r * d, d), fx - baseValue, phi);
                double sum = 0;
                for (int j = 0; j < d; j++) sum += phi[j];
                gaps[row] = fx - baseValue - sum;
            }
        }
    }

    /// <summary>
    /// f of <paramref name="n"/> rows into <paramref name="outputs"/>: a float model takes the float rows as they are;
    /// any other model gets <paramref name="xd"/> when given, else the rows widened into a reused buffer.
    /// </summary>
    private void Outputs(ReadOnlySpan<float> xf, ReadOnlySpan<double> xd, int n, double[] outputs)
    {
        if (_model is IFloatModelFunction fm)
        {
            fm.Evaluate(xf, n, _fxf.AsSpan(0, n));
            for (int i = 0; i < n; i++) outputs[i] = _fxf[i];
            return;
        }
        if (xd.IsEmpty)
        {
            var widened = _xd.AsSpan(0, xf.Length);
            for (int i = 0; i < widened.Length; i++) widened[i] = xf[i];
            xd = widened;
        }
        _model.Evaluate(xd, n, outputs.AsSpan(0, n));
    }

    /// <summary>Adds fastSHAP-C's CS and EM to <paramref name="set"/> (see <see cref="ConfidenceCore"/>).</summary>
    private ExplanationSet WithConfidence<T>(ExplanationSet set, ReadOnlySpan<T> rows, int coalitions, long seed, long before, Stopwatch clock)
        where T : unmanaged, INumberBase<T>
    {
        var cs = new double[set.Count];
        var em = new double[set.Count];
        ConfidenceCore(rows, set.Count, set.Values, coalitions, seed, cs, em);
        return set with
        {
            Method = "fastshap-c",
            ConfidenceScores = cs,
            ErrorMetrics = em,
            WallTime = clock.Elapsed,
            ModelEvaluations = set.ModelEvaluations + (_v.Evaluations - before),
        };
    }

    /// <summary>
    /// CS and EM of <paramref name="count"/> rows with φ <paramref name="phiAll"/>. Rows are taken in groups whose
    /// coalitions fill one value-function chunk: the group's masks are drawn row after row from one generator, exactly
    /// as a row-by-row loop would draw them, then one <see cref="ValueFunction"/> call scores all its masked rows.
    /// </summary>
    private void ConfidenceCore<T>(ReadOnlySpan<T> rows, int count, ReadOnlySpan<double> phiAll, int coalitions, long seed, Span<double> cs, Span<double> em)
        where T : unmanaged, INumberBase<T>
    {
        int d = Width;
        int group = Math.Clamp(_v.CoalitionsPerChunk / coalitions, 1, Math.Max(1, count));
        long maskBytes = (long)group * coalitions * d;
        if (maskBytes > Array.MaxLength) throw new ArgumentException($"{coalitions} coalitions per row are too many for one call.", nameof(coalitions));
        if (_masks.Length < maskBytes) _masks = new byte[maskBytes];
        if (_values.Length < group * coalitions) _values = new double[group * coalitions];
        _sampler ??= new ShapleyKernelSampler(d);
        _sampler.Reset();
        var rng = new Rng(seed);
        double baseValue = _v.BaseValue;
        for (int start = 0; start < count; start += group)
        {
            int n = Math.Min(group, count - start);
            int total = n * coalitions;
            for (int k = 0; k < total; k++) _sampler.Sample(rng, _masks.AsSpan(k * d, d));
            _v.EvaluateManyCore(rows.Slice(start * d, n * d), n, _masks, coalitions, _values);
            for (int r = 0; r < n; r++)
            {
                var phi = phiAll.Slice((start + r) * d, d);
                double abs = 0, sq = 0;
                for (int k = 0; k < coalitions; k++)
                {
                    int c = r * coalitions + k;
                    var s = _masks.AsSpan(c * d, d);
                    double pred = 0;
                    // A product, not a branch: the masks are random, so a branch would mispredict half the time (7× slower);
                    // adding φ_j · 0 leaves the sum bit for bit what skipping the feature gives (φ is finite).
                    for (int j = 0; j < d; j++) pred += phi[j] * Math.Min((int)s[j], 1);
                    double e = _values[c] - baseValue - pred;
                    abs += Math.Abs(e);
                    sq += e * e;
                }
                cs[start + r] = abs / coalitions;
                em[start + r] = sq / coalitions;
            }
        }
    }

    private static double[] Widen(ReadOnlySpan<float> rows, int length)
    {
        var d = new double[length];
        for (int i = 0; i < length; i++) d[i] = rows[i];
        return d;
    }

    private void Normalise(ReadOnlySpan<float> raw, double delta, Span<double> phi)
    {
        int d = raw.Length;
        double sum = 0;
        for (int j = 0; j < d; j++) sum += raw[j];
        double shift = (delta - _scale * sum) / d;
        for (int j = 0; j < d; j++) phi[j] = _scale * raw[j] + shift;
    }

    private void CheckRows(int length, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (length < (long)count * Width)
            throw new ArgumentException($"{length} values cannot hold {count} rows of {Width} features; the explainer was trained for {Width} features.");
    }

    /// <summary>
    /// Σ_k (s_kᵀφ̂ − y_k)² for one row with φ̂ = φ + (Δ − 1ᵀφ)/d; when <paramref name="grad"/> is given, writes
    /// ∂/∂φ of <paramref name="gradScale"/> × that sum (the normalisation projects the gradient onto Σ = 0).
    /// </summary>
    private static double Residuals(ReadOnlySpan<float> phi, double delta, ReadOnlySpan<byte> masks, ReadOnlySpan<float> targets, Span<float> grad, float gradScale)
    {
        int d = phi.Length;
        int m = targets.Length;
        double sum = 0;
        for (int j = 0; j < d; j++) sum += phi[j];
        double shift = (delta - sum) / d;
        if (!grad.IsEmpty) grad.Clear();
        double loss = 0;
        for (int k = 0; k < m; k++)
        {
            var s = masks.Slice(k * d, d);
            double pred = 0;
            int size = 0;
            for (int j = 0; j < d; j++)
            {
                if (s[j] == 0) continue;
                pred += phi[j];
                size++;
            }
            pred += size * shift;
            double r = pred - targets[k];
            loss += r * r;
            if (!grad.IsEmpty)
            {
                float g = (float)(gradScale * r);
                for (int j = 0; j < d; j++) if (s[j] != 0) grad[j] += g;
            }
        }
        if (!grad.IsEmpty)
        {
            float mean = 0;
            for (int j = 0; j < d; j++) mean += grad[j];
            mean /= d;
            for (int j = 0; j < d; j++) grad[j] -= mean;
        }
        return loss;
    }

    private static void Targets(ValueFunction v, ShapleyKernelSampler sampler, Rng rng, double[] x, int rows, int m, byte[] masks, float[] targets,
        double[] values, double baseValue, double scale)
    {
        int d = v.Width;
        for (int i = 0; i < rows; i++)
        {
            var mask = masks.AsSpan(i * m * d, m * d);
            sampler.SamplePaired(rng, mask, m);
            v.Evaluate(x.AsSpan(i * d, d), mask, m, values);
            for (int k = 0; k < m; k++) targets[i * m + k] = (float)((values[k] - baseValue) / scale);
        }
    }

    private static double[] Deltas(IModelFunction model, double[] x, int rows, int d, double baseValue)
    {
        var outputs = new double[rows];
        for (int start = 0; start < rows; start += Chunk)
        {
            int n = Math.Min(Chunk, rows - start);
            model.Evaluate(x.AsSpan(start * d, n * d), n, outputs.AsSpan(start, n));
        }
        for (int i = 0; i < rows; i++) outputs[i] -= baseValue;
        return outputs;
    }
}
