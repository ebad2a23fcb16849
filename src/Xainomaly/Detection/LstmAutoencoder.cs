using System.Collections.Concurrent;
using System.Numerics.Tensors;

using Xainomaly.Numerics;

using Tensor = Xainomaly.Numerics.Tensor;

namespace Xainomaly.Detection;

/// <summary>
/// The LSTM autoencoder baseline of the XAInomaly paper (SPEC §2, kind <c>lstm-ae</c>) over windows of w consecutive
/// records of one UE. A row is a flat window [x(t−w+1), …, x(t)] of width w·d (<see cref="Data.SequenceWindows"/>)
/// and is read internally as w time steps of d features.
/// <list type="bullet">
/// <item>Encoder: an LSTM of <see cref="LstmAutoencoderOptions.EncoderUnits"/> units over the w steps; its final
/// hidden state is the latent code z (‖z‖ is the latent norm).</item>
/// <item>Head: z → 1 logit; σ(logit) is the anomaly probability.</item>
/// <item>Decoder: an LSTM of <see cref="LstmAutoencoderOptions.DecoderUnits"/> units run for w steps with z repeated as
/// its input, and a dense layer mapping every step's hidden state to d outputs: the reconstructed window.</item>
/// <item>Dropout (training only) on the LSTM outputs: on z (as it enters the decoder and the head) and on every
/// decoder hidden state (as it enters the output layer).</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>RE = ‖window − reconstruction‖² summed over all w steps and d features, as a sequence autoencoder is
/// trained (the paper's LSTM-AE reconstructs its whole input sequence). Using every step gives w times the
/// reconstruction signal per row, and a record that breaks its UE's recent trajectory raises the error even when
/// each step alone looks plausible; the price is that an anomalous record also lifts the score of the next w−1
/// windows of its UE.</para>
/// <para>Loss over a mini-batch of N windows: L = 1/N Σᵢ [REᵢ + αᵢ·BCE(yᵢ, σ(head(zᵢ)))], αᵢ = λ for labelled rows
/// and 0 otherwise, as for the other semi-supervised networks.</para>
/// <para>Cells: gates = x·Wₓ + h·W_h + b in the order [i, f, g, o], c′ = σ(f)⊙c + σ(i)⊙tanh(g), h′ = σ(o)⊙tanh(c′).
/// This is the single product [x, h]·W of a (in + units) × 4·units weight W = [Wₓ; W_h], kept as its two row blocks
/// so that the decoder's constant input z is multiplied once per window instead of once per step. The forget-gate
/// bias starts at 1 (Keras' <c>unit_forget_bias</c>), all weights Glorot-uniform. Forward and backward (through
/// time) are written by hand on the <see cref="Gemm"/> kernels rather than recorded on the <see cref="Tape"/>: the
/// same code then gives weight gradients for training and input gradients for attacks without thread-unsafe
/// shared state, and the float64 reference in the tests checks it.</para>
/// <para>Training is single-threaded and deterministic. Scoring and input gradients run in blocks of
/// <see cref="LstmAutoencoderOptions.BlockRows"/> rows, in parallel for large batches, and are safe to call
/// concurrently with each other (not with training).</para>
/// </remarks>
public sealed class LstmAutoencoder : IComponentScorer, IWindowedInput
{
    /// <summary>The kind name in model files and on the command line.</summary>
    public const string KindName = "lstm-ae";

    private const int FileMagic = 0x41534C58; // "XLSA"
    private const int FileVersion = 1;

    private readonly Tensor _wxEnc, _whEnc, _bEnc, _wzDec, _whDec, _bDec, _wOut, _bOut, _wHead, _bHead;
    private readonly Adam _adam;
    private readonly Rng _dropoutRng;
    private readonly ConcurrentBag<Workspace> _pool = [];
    private Workspace? _train;

    /// <summary>Creates the network for records of <paramref name="featureWidth"/> features, initialised from <see cref="LstmAutoencoderOptions.Seed"/>.</summary>
    public LstmAutoencoder(int featureWidth, LstmAutoencoderOptions? options = null)
    {
        Options = options ?? new LstmAutoencoderOptions();
        if (featureWidth <= 0) throw new ArgumentOutOfRangeException(nameof(featureWidth), featureWidth, "The feature width must be positive.");
        if (Options.WindowLength < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.WindowLength, "WindowLength must be at least 1.");
        if (Options.EncoderUnits < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.EncoderUnits, "EncoderUnits must be positive.");
        if (Options.DecoderUnits < 1) throw new ArgumentOutOfRangeException(nameof(options), Options.DecoderUnits, "DecoderUnits must be positive.");
        if (Options.Dropout is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(options), Options.Dropout, "Dropout must be in [0, 1).");
        if (Options.BlockRows is <= 0 or > 4096) throw new ArgumentOutOfRangeException(nameof(options), Options.BlockRows, "BlockRows must be in 1..4096.");
        if (Options.MaxDegreeOfParallelism <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be positive.");
        FeatureWidth = featureWidth;
        int d = featureWidth, e = EncoderUnits, u = DecoderUnits;
        var rng = new Rng(Options.Seed);
        _wxEnc = Glorot(d, 4 * e, rng);
        _whEnc = Glorot(e, 4 * e, rng);
        _bEnc = ForgetBias(e);
        _wzDec = Glorot(e, 4 * u, rng);
        _whDec = Glorot(u, 4 * u, rng);
        _bDec = ForgetBias(u);
        _wOut = Glorot(u, d, rng);
        _bOut = new Tensor(1, d);
        _wHead = Glorot(e, 1, rng);
        _bHead = new Tensor(1, 1);
        Parameters = new ParameterCollection();
        foreach (var t in new[] { _wxEnc, _whEnc, _bEnc, _wzDec, _whDec, _bDec, _wOut, _bOut, _wHead, _bHead }) Parameters.Add(t);
        _dropoutRng = rng.Fork(0x44524F50);
        _adam = new Adam(Parameters, Options.LearningRate, Options.Beta1, Options.Beta2, Options.Epsilon) { MaxGradientNorm = Options.MaxGradientNorm };
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The settings the network was built with.</summary>
    public LstmAutoencoderOptions Options { get; }

    /// <inheritdoc />
    public int WindowLength => Options.WindowLength;

    /// <inheritdoc />
    public int FeatureWidth { get; }

    /// <summary>Width of a row: WindowLength · FeatureWidth.</summary>
    public int InputWidth => WindowLength * FeatureWidth;

    /// <summary>Encoder units (the width of z).</summary>
    public int EncoderUnits => Options.EncoderUnits;

    /// <summary>Decoder units.</summary>
    public int DecoderUnits => Options.DecoderUnits;

    /// <inheritdoc />
    public bool HasReconstruction => true;

    /// <inheritdoc />
    public bool HasLatent => true;

    /// <inheritdoc />
    public bool HasHead => true;

    /// <summary>
    /// All trainable tensors, in this order: encoder Wₓ (d×4e), W_h (e×4e), b (1×4e); decoder W_z (e×4u), W_h (u×4u),
    /// b (1×4u); output W (u×d), b (1×d); head W (e×1), b (1×1). Gates are laid out [i, f, g, o] along the columns.
    /// </summary>
    public ParameterCollection Parameters { get; }

    /// <summary>Adam steps taken.</summary>
    public long Steps => _adam.Steps;

    /// <summary>
    /// One Adam step on a mini-batch of <paramref name="n"/> windows: <paramref name="labels"/> the 0/1 targets and
    /// <paramref name="labelWeights"/> αᵢ (0 for unlabelled rows). Dropout masks come from the network's own seeded
    /// generator. Allocates nothing once a batch of this size has been seen.
    /// </summary>
    public LstmAutoencoderLoss TrainStep(ReadOnlySpan<float> x, int n, ReadOnlySpan<float> labels, ReadOnlySpan<float> labelWeights)
    {
        var loss = ComputeGradients(x, n, labels, labelWeights, Options.Dropout > 0 ? _dropoutRng : null);
        _adam.Step();
        return loss;
    }

    /// <summary>
    /// Computes the mini-batch loss and writes its gradient into <see cref="Parameters"/> (overwriting any previous
    /// gradient) without updating the weights. <paramref name="dropout"/> null trains without dropout (as the
    /// gradient tests do); otherwise masks are drawn from it.
    /// </summary>
    public LstmAutoencoderLoss ComputeGradients(ReadOnlySpan<float> x, int n, ReadOnlySpan<float> labels, ReadOnlySpan<float> labelWeights, Rng? dropout)
    {
        CheckBatch(x, n);
        if (labels.Length < n) throw new ArgumentException($"labels has {labels.Length} values for {n} rows.", nameof(labels));
        if (labelWeights.Length < n) throw new ArgumentException($"labelWeights has {labelWeights.Length} values for {n} rows.", nameof(labelWeights));
        Workspace ws = _train is { } t && t.Capacity >= n ? t : (_train = new Workspace(this, n));
        Parameters.ZeroGrad();
        Forward(x, n, ws, dropout);

        int d = FeatureWidth, w = WindowLength;
        double rec = 0;
        float g = 2f / n;
        for (int s = 0; s < w; s++)
        {
            Span<float> dy = ws.DY[s].AsSpan(0, n * d);
            TensorPrimitives.Subtract(ws.Y[s].AsSpan(0, n * d), ws.X[s].AsSpan(0, n * d), dy);
            rec += TensorPrimitives.SumOfSquares(dy);
            TensorPrimitives.Multiply(dy, g, dy);
        }
        double bce = 0;
        for (int i = 0; i < n; i++)
        {
            float l = ws.Logit[i], a = labelWeights[i];
            if (a == 0f)
            {
                ws.DLogit[i] = 0f;
                continue;
            }
            bce += a * (Kernels.Softplus(l) - (labels[i] * l));
            ws.DLogit[i] = a * (Kernels.Sigmoid(l) - labels[i]) / n;
        }
        Backward(n, ws, dropout is not null, weightGrads: true, latentWeight: 0f, dx: default);
        rec /= n;
        bce /= n;
        return new LstmAutoencoderLoss(rec, bce, rec + bce);
    }

    /// <summary>
    /// Scores <paramref name="n"/> windows: reconstruction error (summed over steps and features), latent norm ‖z‖₂
    /// and head probability. Pass an empty span to skip an output.
    /// </summary>
    public void Score(ReadOnlySpan<float> x, int n, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
    {
        CheckBatch(x, n);
        CheckOutput(reconstructionError, n, nameof(reconstructionError));
        CheckOutput(latentNorm, n, nameof(latentNorm));
        CheckOutput(headProbability, n, nameof(headProbability));
        int block = Options.BlockRows, width = InputWidth;
        if (n <= block || Options.MaxDegreeOfParallelism == 1)
        {
            Workspace ws = Rent(Math.Min(n, block));
            for (int s = 0; s < n; s += block)
            {
                int rows = Math.Min(block, n - s);
                ScoreBlock(x.Slice(s * width, rows * width), rows, ws, Slice(reconstructionError, s, rows), Slice(latentNorm, s, rows), Slice(headProbability, s, rows));
            }
            _pool.Add(ws);
            return;
        }
        unsafe
        {
            fixed (float* px = x, pre = reconstructionError, pz = latentNorm, pp = headProbability)
            {
                var job = new BlockJob(this, px, n, pre, reconstructionError.Length, pz, latentNorm.Length, pp, headProbability.Length, null);
                RunParallel(job, n);
            }
        }
    }

    /// <inheritdoc />
    public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability) =>
        Score(rows, count, reconstructionError, latentNorm, headProbability);

    /// <summary>
    /// Gradient with respect to each flat window row of f(x) = reWeight·RE + latentWeight·‖z‖₂ + headWeight·σ(head(z)),
    /// written to <paramref name="gradient"/> (n × w·d). Exact (no dropout at inference); ‖z‖ at z = 0 takes gradient 0.
    /// </summary>
    public void InputGradient(ReadOnlySpan<float> x, int n, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        CheckBatch(x, n);
        CheckOutput(gradient, n * InputWidth, nameof(gradient));
        var weights = new GradientWeights(reWeight, latentWeight, headWeight);
        int block = Options.BlockRows, width = InputWidth;
        if (n <= block || Options.MaxDegreeOfParallelism == 1)
        {
            Workspace ws = Rent(Math.Min(n, block));
            for (int s = 0; s < n; s += block)
            {
                int rows = Math.Min(block, n - s);
                GradientBlock(x.Slice(s * width, rows * width), rows, ws, weights, gradient.Slice(s * width, rows * width));
            }
            _pool.Add(ws);
            return;
        }
        unsafe
        {
            fixed (float* px = x, pg = gradient)
            {
                var job = new BlockJob(this, px, n, null, 0, null, 0, null, 0, pg) { Weights = weights };
                RunParallel(job, n);
            }
        }
    }

    /// <inheritdoc />
    public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        InputGradient(rows, count, reWeight, latentWeight, headWeight, gradient);
        return true;
    }

    /// <summary>Writes the sizes and all weights (raw float bits: a round trip is bit-identical).</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FileMagic);
        writer.Write(FileVersion);
        writer.Write(FeatureWidth);
        writer.Write(WindowLength);
        writer.Write(EncoderUnits);
        writer.Write(DecoderUnits);
        writer.Write(Options.Dropout);
        Parameters.Save(writer);
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer) => Save(writer);

    /// <summary>
    /// Reads a network written by <see cref="Save"/>; the sizes come from the file, the other settings from
    /// <paramref name="options"/> (defaults when null).
    /// </summary>
    public static LstmAutoencoder Load(BinaryReader reader, LstmAutoencoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadInt32() != FileMagic) throw new InvalidDataException("LSTM-AE weights: bad magic number, not an LSTM-AE weight block.");
        int version = reader.ReadInt32();
        if (version != FileVersion) throw new InvalidDataException($"LSTM-AE weights: format version {version}, expected {FileVersion}.");
        int d = reader.ReadInt32(), w = reader.ReadInt32(), e = reader.ReadInt32(), u = reader.ReadInt32();
        float dropout = reader.ReadSingle();
        if (d <= 0 || w <= 0 || e <= 0 || u <= 0 || dropout is < 0f or >= 1f)
            throw new InvalidDataException($"LSTM-AE weights: invalid sizes (features {d}, window {w}, units {e}/{u}, dropout {dropout}).");
        var net = new LstmAutoencoder(d, (options ?? new LstmAutoencoderOptions()) with { WindowLength = w, EncoderUnits = e, DecoderUnits = u, Dropout = dropout });
        net.Parameters.Load(reader);
        return net;
    }

    /// <summary>Reads a network for <see cref="SemiSupervisedDetector.Read"/>.</summary>
    public static IComponentScorer Read(BinaryReader reader) => Load(reader);

    /// <summary>
    /// The trainer of kind <c>lstm-ae</c>: windows of <see cref="LstmAutoencoderOptions.WindowLength"/> records per UE,
    /// the network fitted by <see cref="Fit"/>, score mix and τ chosen by <see cref="SemiSupervisedTrainer"/>.
    /// </summary>
    public static WindowedTrainer CreateTrainer(TrainerSettings? settings = null, LstmAutoencoderOptions? options = null)
    {
        settings ??= new TrainerSettings();
        var o = options ?? new LstmAutoencoderOptions();
        if (settings.WindowLength is { } w) o = o with { WindowLength = w };
        if (settings.EncoderUnits is { } e) o = o with { EncoderUnits = e };
        if (settings.DecoderUnits is { } dec) o = o with { DecoderUnits = dec };
        var hyper = new System.Text.Json.Nodes.JsonObject
        {
            ["window"] = o.WindowLength,
            ["encoderUnits"] = o.EncoderUnits,
            ["decoderUnits"] = o.DecoderUnits,
            ["dropout"] = o.Dropout,
            ["steps"] = settings.Steps ?? DefaultSteps,
            ["batchSize"] = settings.BatchSize ?? DefaultBatchSize,
            ["labelledPerBatch"] = settings.LabelledPerBatch ?? DefaultLabelledPerBatch,
            ["learningRate"] = settings.LearningRate ?? o.LearningRate,
            ["labelWeight"] = settings.LabelWeight ?? 1f,
        };
        var inner = new SemiSupervisedTrainer(KindName, settings, hyper, request => Fit(request, o));
        return new WindowedTrainer(inner, o.WindowLength);
    }

    /// <summary>Default optimiser steps (the paper's 10,000).</summary>
    public const int DefaultSteps = 10_000;

    /// <summary>Default mini-batch size (the paper's 64).</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Default labelled rows per mini-batch (B_l; the rest are unlabelled).</summary>
    public const int DefaultLabelledPerBatch = 16;

    /// <summary>
    /// Trains a network on the windows of <paramref name="request"/> (rows of w·d features; the weights and dropout
    /// are seeded by the context's seed): Adam on the semi-supervised loss over mixed batches from
    /// <see cref="SemiSupervisedBatches"/>. Reports progress about every 1 % and appends a loss-curve point (with
    /// validation loss and head accuracy when validation rows exist) about every 100 steps; honours cancellation.
    /// </summary>
    public static LstmAutoencoder Fit(NetworkFitRequest request, LstmAutoencoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options ?? new LstmAutoencoderOptions();
        var data = request.Data;
        var settings = request.Settings;
        var context = request.Context;
        int w = o.WindowLength;
        if (data.Width % w != 0)
            throw new ArgumentException($"Rows of {data.Width} features are not windows of {w} records (build them with SequenceWindows).", nameof(request));
        var net = new LstmAutoencoder(data.Width / w, o with { Seed = context.Seed, LearningRate = settings.LearningRate ?? o.LearningRate });
        int steps = settings.Steps ?? DefaultSteps;
        int batchSize = settings.BatchSize ?? DefaultBatchSize;
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(request), steps, "--steps must be at least 1.");
        float lambda = settings.LabelWeight ?? 1f;
        var batches = new SemiSupervisedBatches(data, request.Labelled, request.Unlabelled, batchSize,
            settings.LabelledPerBatch ?? DefaultLabelledPerBatch, lambda, new Rng(context.Seed).Fork(0x4C535442));

        // The curve's validation figures use at most 1,024 held-back rows, so that they stay cheap at the paper's sizes.
        int[] valRows = request.Validation.Length > 1024 ? request.Validation[..1024] : request.Validation;
        var val = valRows.Length > 0 ? data.Select(valRows) : null;
        var valRe = new float[valRows.Length];
        var valZ = new float[valRows.Length];
        var valP = new float[valRows.Length];

        int progressEvery = Math.Max(1, steps / 100), historyEvery = Math.Min(100, steps);
        double sum = 0;
        int inInterval = 0;
        for (int step = 1; step <= steps; step++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            batches.Next();
            var loss = net.TrainStep(batches.X, batchSize, batches.Labels, batches.Weights);
            sum += loss.Total;
            inInterval++;
            if (step % progressEvery == 0 || step == steps) context.Progress?.Report(new TrainingProgress(step, steps, loss.Total));
            if (step % historyEvery == 0 || step == steps)
            {
                double? vLoss = null, vAcc = null;
                if (val is not null)
                {
                    net.Score(val.X, val.Count, valRe, valZ, valP);
                    double l = 0;
                    int correct = 0;
                    for (int i = 0; i < val.Count; i++)
                    {
                        int y = val.Labels[i];
                        double p = Math.Clamp(valP[i], 1e-7, 1 - 1e-7);
                        l += valRe[i] - (lambda * ((y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p))));
                        if ((valP[i] > 0.5f ? 1 : 0) == y) correct++;
                    }
                    vLoss = l / val.Count;
                    vAcc = (double)correct / val.Count;
                }
                context.History.Add(new TrainingProgress(step, steps, sum / inInterval, vLoss, vAcc));
                sum = 0;
                inInterval = 0;
            }
        }
        return net;
    }

    // ---- forward / backward ----

    // Runs both LSTMs and the head over n windows, caching every step. dropout null = inference (no masks).
    private void Forward(ReadOnlySpan<float> x, int n, Workspace ws, Rng? dropout)
    {
        int d = FeatureWidth, w = WindowLength, e = EncoderUnits, u = DecoderUnits, width = InputWidth;
        // Step-major copies of the input: each step is then a contiguous n×d matrix for the kernels.
        for (int s = 0; s < w; s++)
        {
            float[] xs = ws.X[s];
            for (int i = 0; i < n; i++) x.Slice((i * width) + (s * d), d).CopyTo(xs.AsSpan(i * d, d));
        }
        for (int s = 0; s < w; s++)
        {
            Gemm.Linear(ws.X[s], _wxEnc.Data, _bEnc.Data, ws.GEnc[s], n, d, 4 * e, relu: false);
            if (s > 0) Gemm.Multiply(ws.HEnc[s - 1], _whEnc.Data, ws.GEnc[s], n, e, 4 * e, accumulate: true);
            CellForward(n, e, ws.GEnc[s], s > 0 ? ws.CEnc[s - 1] : null, ws.CEnc[s], ws.TEnc[s], ws.HEnc[s]);
        }
        float[] z = ws.HEnc[w - 1];
        float[] zIn = z;
        if (dropout is not null)
        {
            DrawMask(ws.MaskZ, n * e, dropout);
            TensorPrimitives.Multiply(z.AsSpan(0, n * e), ws.MaskZ.AsSpan(0, n * e), ws.ZDrop);
            zIn = ws.ZDrop;
        }
        Gemm.Multiply(zIn, _wHead.Data, ws.Logit, n, e, 1);
        TensorPrimitives.Add(ws.Logit.AsSpan(0, n), _bHead.Data[0], ws.Logit.AsSpan(0, n));
        Gemm.Linear(zIn, _wzDec.Data, _bDec.Data, ws.Pz, n, e, 4 * u, relu: false);
        for (int s = 0; s < w; s++)
        {
            ws.Pz.AsSpan(0, n * 4 * u).CopyTo(ws.GDec[s]);
            if (s > 0) Gemm.Multiply(ws.HDec[s - 1], _whDec.Data, ws.GDec[s], n, u, 4 * u, accumulate: true);
            CellForward(n, u, ws.GDec[s], s > 0 ? ws.CDec[s - 1] : null, ws.CDec[s], ws.TDec[s], ws.HDec[s]);
            float[] hIn = ws.HDec[s];
            if (dropout is not null)
            {
                DrawMask(ws.MaskDec[s], n * u, dropout);
                TensorPrimitives.Multiply(hIn.AsSpan(0, n * u), ws.MaskDec[s].AsSpan(0, n * u), ws.HDrop[s]);
                hIn = ws.HDrop[s];
            }
            Gemm.Linear(hIn, _wOut.Data, _bOut.Data, ws.Y[s], n, u, d, relu: false);
        }
    }

    // Back-propagates ws.DY (gradient at every step's output), ws.DLogit and, when latentWeight ≠ 0, the gradient of
    // latentWeight·‖z‖, through decoder, head and encoder. Accumulates weight gradients when asked; adds the input
    // gradient through the encoder into dx (n × w·d) when it is not empty.
    private void Backward(int n, Workspace ws, bool dropout, bool weightGrads, float latentWeight, Span<float> dx)
    {
        int d = FeatureWidth, w = WindowLength, e = EncoderUnits, u = DecoderUnits, width = InputWidth;
        float[] zIn = dropout ? ws.ZDrop : ws.HEnc[w - 1];
        Span<float> dPz = ws.DPz.AsSpan(0, n * 4 * u);
        dPz.Clear();
        Span<float> dc = ws.DC.AsSpan(0, n * Math.Max(e, u));
        dc.Clear();
        for (int s = w - 1; s >= 0; s--)
        {
            float[] hIn = dropout ? ws.HDrop[s] : ws.HDec[s];
            Gemm.MultiplyTransposeB(ws.DY[s], _wOut.Data, ws.DH, n, d, u);
            if (weightGrads)
            {
                Gemm.MultiplyTransposeA(hIn, ws.DY[s], _wOut.Grad, u, n, d, accumulate: true);
                Kernels.ColumnSums(ws.DY[s], _bOut.Grad, n, d, accumulate: true);
            }
            Span<float> dh = ws.DH.AsSpan(0, n * u);
            if (dropout) TensorPrimitives.Multiply(dh, ws.MaskDec[s].AsSpan(0, n * u), dh);
            if (s < w - 1) TensorPrimitives.Add(dh, ws.DHNext.AsSpan(0, n * u), dh);
            CellBackward(n, u, ws.GDec[s], s > 0 ? ws.CDec[s - 1] : null, ws.TDec[s], dh, dc, ws.DG);
            Span<float> dg = ws.DG.AsSpan(0, n * 4 * u);
            TensorPrimitives.Add(dPz, dg, dPz);
            if (s > 0)
            {
                if (weightGrads) Gemm.MultiplyTransposeA(ws.HDec[s - 1], ws.DG, _whDec.Grad, u, n, 4 * u, accumulate: true);
                Gemm.MultiplyTransposeB(ws.DG, _whDec.Data, ws.DHNext, n, 4 * u, u);
            }
        }

        // z feeds the decoder (every step, through Pz) and the head.
        if (weightGrads)
        {
            Gemm.MultiplyTransposeA(zIn, ws.DPz, _wzDec.Grad, e, n, 4 * u, accumulate: true);
            Kernels.ColumnSums(ws.DPz, _bDec.Grad, n, 4 * u, accumulate: true);
            Gemm.MultiplyTransposeA(zIn, ws.DLogit, _wHead.Grad, e, n, 1, accumulate: true);
            _bHead.Grad![0] += TensorPrimitives.Sum(ws.DLogit.AsSpan(0, n));
        }
        Gemm.MultiplyTransposeB(ws.DPz, _wzDec.Data, ws.DH, n, 4 * u, e);
        Span<float> dz = ws.DH.AsSpan(0, n * e);
        float[] wh = _wHead.Data;
        for (int i = 0; i < n; i++)
        {
            float gl = ws.DLogit[i];
            if (gl != 0f) TensorPrimitives.MultiplyAdd(wh, gl, dz.Slice(i * e, e), dz.Slice(i * e, e));
        }
        if (dropout) TensorPrimitives.Multiply(dz, ws.MaskZ.AsSpan(0, n * e), dz);
        if (latentWeight != 0f)
        {
            float[] z = ws.HEnc[w - 1];
            for (int i = 0; i < n; i++)
            {
                Span<float> zi = z.AsSpan(i * e, e);
                float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(zi));
                if (norm > 0f) TensorPrimitives.MultiplyAdd(zi, latentWeight / norm, dz.Slice(i * e, e), dz.Slice(i * e, e));
            }
        }

        dc = ws.DC.AsSpan(0, n * e);
        dc.Clear();
        for (int s = w - 1; s >= 0; s--)
        {
            CellBackward(n, e, ws.GEnc[s], s > 0 ? ws.CEnc[s - 1] : null, ws.TEnc[s], ws.DH.AsSpan(0, n * e), dc, ws.DG);
            if (weightGrads)
            {
                Gemm.MultiplyTransposeA(ws.X[s], ws.DG, _wxEnc.Grad, d, n, 4 * e, accumulate: true);
                Kernels.ColumnSums(ws.DG, _bEnc.Grad, n, 4 * e, accumulate: true);
            }
            if (!dx.IsEmpty)
            {
                Gemm.MultiplyTransposeB(ws.DG, _wxEnc.Data, ws.DX, n, 4 * e, d);
                for (int i = 0; i < n; i++)
                {
                    Span<float> target = dx.Slice((i * width) + (s * d), d);
                    TensorPrimitives.Add(target, ws.DX.AsSpan(i * d, d), target);
                }
            }
            if (s > 0)
            {
                if (weightGrads) Gemm.MultiplyTransposeA(ws.HEnc[s - 1], ws.DG, _whEnc.Grad, e, n, 4 * e, accumulate: true);
                Gemm.MultiplyTransposeB(ws.DG, _whEnc.Data, ws.DH, n, 4 * e, e);
            }
        }
    }

    // gates (n×4k, pre-activations in, activations out, order [i, f, g, o]); c = f⊙cPrev + i⊙g; h = o⊙tanh(c).
    private static void CellForward(int n, int k, float[] gates, float[]? cPrev, float[] c, float[] tanhC, float[] h)
    {
        for (int r = 0; r < n; r++)
        {
            Span<float> gr = gates.AsSpan(r * 4 * k, 4 * k);
            Span<float> ifg = gr[..(2 * k)];
            TensorPrimitives.Sigmoid(ifg, ifg);
            TensorPrimitives.Tanh(gr.Slice(2 * k, k), gr.Slice(2 * k, k));
            TensorPrimitives.Sigmoid(gr.Slice(3 * k, k), gr.Slice(3 * k, k));
            Span<float> cr = c.AsSpan(r * k, k), tr = tanhC.AsSpan(r * k, k);
            TensorPrimitives.Multiply(gr[..k], gr.Slice(2 * k, k), cr);
            if (cPrev is not null) TensorPrimitives.MultiplyAdd(gr.Slice(k, k), cPrev.AsSpan(r * k, k), cr, cr);
            TensorPrimitives.Tanh(cr, tr);
            TensorPrimitives.Multiply(gr.Slice(3 * k, k), tr, h.AsSpan(r * k, k));
        }
    }

    // dh: gradient at h (n×k); dc: in = gradient at c from the next step, out = gradient at cPrev;
    // dGates (n×4k) = gradient at the gate pre-activations.
    private static void CellBackward(int n, int k, float[] gates, float[]? cPrev, float[] tanhC, ReadOnlySpan<float> dh, Span<float> dc, float[] dGates)
    {
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> gr = gates.AsSpan(r * 4 * k, 4 * k);
            Span<float> dg = dGates.AsSpan(r * 4 * k, 4 * k);
            int o = r * k;
            for (int j = 0; j < k; j++)
            {
                float i = gr[j], f = gr[k + j], g = gr[(2 * k) + j], og = gr[(3 * k) + j];
                float tc = tanhC[o + j], dhv = dh[o + j];
                float dcv = dc[o + j] + (dhv * og * (1f - (tc * tc)));
                dg[j] = dcv * g * i * (1f - i);
                dg[k + j] = cPrev is null ? 0f : dcv * cPrev[o + j] * f * (1f - f);
                dg[(2 * k) + j] = dcv * i * (1f - (g * g));
                dg[(3 * k) + j] = dhv * tc * og * (1f - og);
                dc[o + j] = dcv * f;
            }
        }
    }

    private void DrawMask(float[] mask, int count, Rng rng)
    {
        float p = Options.Dropout, keep = 1f / (1f - p);
        for (int i = 0; i < count; i++) mask[i] = rng.NextSingle() >= p ? keep : 0f;
    }

    private void ScoreBlock(ReadOnlySpan<float> x, int n, Workspace ws, Span<float> re, Span<float> zn, Span<float> prob)
    {
        Forward(x, n, ws, dropout: null);
        int d = FeatureWidth, e = EncoderUnits;
        if (!re.IsEmpty)
        {
            re[..n].Clear();
            for (int s = 0; s < WindowLength; s++)
            {
                for (int i = 0; i < n; i++) re[i] += Kernels.SquaredDistance(ws.Y[s].AsSpan(i * d, d), ws.X[s].AsSpan(i * d, d));
            }
        }
        if (!zn.IsEmpty)
        {
            float[] z = ws.HEnc[WindowLength - 1];
            for (int i = 0; i < n; i++) zn[i] = MathF.Sqrt(TensorPrimitives.SumOfSquares(z.AsSpan(i * e, e)));
        }
        if (!prob.IsEmpty) TensorPrimitives.Sigmoid(ws.Logit.AsSpan(0, n), prob[..n]);
    }

    private void GradientBlock(ReadOnlySpan<float> x, int n, Workspace ws, GradientWeights gw, Span<float> dx)
    {
        Forward(x, n, ws, dropout: null);
        int d = FeatureWidth, w = WindowLength, width = InputWidth;
        for (int s = 0; s < w; s++)
        {
            Span<float> dy = ws.DY[s].AsSpan(0, n * d);
            TensorPrimitives.Subtract(ws.Y[s].AsSpan(0, n * d), ws.X[s].AsSpan(0, n * d), dy);
            TensorPrimitives.Multiply(dy, 2f * gw.Re, dy);
        }
        for (int i = 0; i < n; i++)
        {
            float p = Kernels.Sigmoid(ws.Logit[i]);
            ws.DLogit[i] = gw.Head * p * (1f - p);
        }
        dx[..(n * width)].Clear();
        Backward(n, ws, dropout: false, weightGrads: false, gw.Latent, dx);
        if (gw.Re != 0f)
        {
            // RE also depends on x directly: reWeight·∂‖x − x̂‖²/∂x = 2·reWeight·(x − x̂) = −DY.
            for (int s = 0; s < w; s++)
            {
                for (int i = 0; i < n; i++)
                {
                    Span<float> target = dx.Slice((i * width) + (s * d), d);
                    TensorPrimitives.Subtract(target, ws.DY[s].AsSpan(i * d, d), target);
                }
            }
        }
    }

    // ---- plumbing ----

    private static Tensor Glorot(int rows, int cols, Rng rng)
    {
        var t = new Tensor(rows, cols);
        double limit = Math.Sqrt(6.0 / (rows + cols));
        for (int i = 0; i < t.Length; i++) t.Data[i] = (float)rng.Uniform(-limit, limit);
        return t;
    }

    private static Tensor ForgetBias(int units)
    {
        // A forget gate that starts open lets the cell carry state across the window from the first steps.
        var b = new Tensor(1, 4 * units);
        b.Data.AsSpan(units, units).Fill(1f);
        return b;
    }

    private void RunParallel(BlockJob job, int n)
    {
        int blocks = (n + Options.BlockRows - 1) / Options.BlockRows;
        var po = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism };
        Parallel.For(0, blocks, po, () => Rent(Options.BlockRows), job.Run, _pool.Add);
    }

    private sealed unsafe class BlockJob(LstmAutoencoder net, float* x, int n, float* re, int reLen, float* zn, int znLen, float* prob, int probLen, float* grad)
    {
        public GradientWeights Weights { get; init; }

        public Workspace Run(int block, ParallelLoopState state, Workspace ws)
        {
            int width = net.InputWidth, size = net.Options.BlockRows;
            int s = block * size, rows = Math.Min(size, n - s);
            var xs = new ReadOnlySpan<float>(x + ((long)s * width), rows * width);
            if (grad != null)
            {
                net.GradientBlock(xs, rows, ws, Weights, new Span<float>(grad + ((long)s * width), rows * width));
            }
            else
            {
                net.ScoreBlock(xs, rows, ws,
                    reLen == 0 ? default : new Span<float>(re + s, rows),
                    znLen == 0 ? default : new Span<float>(zn + s, rows),
                    probLen == 0 ? default : new Span<float>(prob + s, rows));
            }
            return ws;
        }
    }

    private readonly record struct GradientWeights(float Re, float Latent, float Head);

    private Workspace Rent(int rows)
    {
        while (_pool.TryTake(out Workspace? ws))
        {
            if (ws.Capacity >= rows) return ws;
        }
        return new Workspace(this, Math.Max(rows, 1));
    }

    private void CheckBatch(ReadOnlySpan<float> x, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The row count must be non-negative.");
        if (x.Length < (long)n * InputWidth)
            throw new ArgumentException($"x has {x.Length} values, {n} windows of {WindowLength}×{FeatureWidth} features need {(long)n * InputWidth}.", nameof(x));
    }

    private static void CheckOutput(Span<float> s, int need, string name)
    {
        if (!s.IsEmpty && s.Length < need) throw new ArgumentException($"{name} has {s.Length} values, {need} are needed.", name);
    }

    private static Span<float> Slice(Span<float> s, int start, int count) => s.IsEmpty ? default : s.Slice(start, count);

    // Every step's activations and the backward scratch for a block of up to Capacity windows.
    private sealed class Workspace
    {
        public Workspace(LstmAutoencoder net, int capacity)
        {
            Capacity = capacity;
            int w = net.WindowLength, d = net.FeatureWidth, e = net.EncoderUnits, u = net.DecoderUnits, m = Math.Max(e, u);
            X = Steps(w, capacity * d);
            GEnc = Steps(w, capacity * 4 * e);
            CEnc = Steps(w, capacity * e);
            TEnc = Steps(w, capacity * e);
            HEnc = Steps(w, capacity * e);
            GDec = Steps(w, capacity * 4 * u);
            CDec = Steps(w, capacity * u);
            TDec = Steps(w, capacity * u);
            HDec = Steps(w, capacity * u);
            HDrop = Steps(w, capacity * u);
            MaskDec = Steps(w, capacity * u);
            Y = Steps(w, capacity * d);
            DY = Steps(w, capacity * d);
            ZDrop = new float[capacity * e];
            MaskZ = new float[capacity * e];
            Logit = new float[capacity];
            DLogit = new float[capacity];
            Pz = new float[capacity * 4 * u];
            DPz = new float[capacity * 4 * u];
            DG = new float[capacity * 4 * m];
            DH = new float[capacity * m];
            DHNext = new float[capacity * u];
            DC = new float[capacity * m];
            DX = new float[capacity * d];
        }

        public int Capacity { get; }

        public float[][] X { get; }

        public float[][] GEnc { get; }

        public float[][] CEnc { get; }

        public float[][] TEnc { get; }

        public float[][] HEnc { get; }

        public float[][] GDec { get; }

        public float[][] CDec { get; }

        public float[][] TDec { get; }

        public float[][] HDec { get; }

        public float[][] HDrop { get; }

        public float[][] MaskDec { get; }

        public float[][] Y { get; }

        public float[][] DY { get; }

        public float[] ZDrop { get; }

        public float[] MaskZ { get; }

        public float[] Logit { get; }

        public float[] DLogit { get; }

        public float[] Pz { get; }

        public float[] DPz { get; }

        public float[] DG { get; }

        public float[] DH { get; }

        public float[] DHNext { get; }

        public float[] DC { get; }

        public float[] DX { get; }

        private static float[][] Steps(int w, int size)
        {
            var a = new float[w][];
            for (int s = 0; s < w; s++) a[s] = new float[size];
            return a;
        }
    }
}
