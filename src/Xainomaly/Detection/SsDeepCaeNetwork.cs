using System.Collections.Concurrent;
using System.Numerics.Tensors;

using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// The SS-DeepCAE network of SPEC §2: encoder d → 64 → 32 → 16 (bottleneck z, linear), decoder
/// 16 → 16 → 32 → 64 → d by default (other encoder depths and widths, mirrored by the decoder, through
/// <see cref="SsDeepCaeOptions.HiddenWidths"/>; MAE/sMAPE losses and SGD/RMSprop through the options), ReLU on every hidden layer and a <b>linear</b> output (inputs are min–max scaled
/// to [0, 1], but a linear output keeps the reconstruction gradient from vanishing at the ends of the range,
/// as in the paper's "ReLU everywhere but the output layer"), plus a head z → 1 logit.
/// For d = 20 the autoencoder has 8,180 trainable parameters; the head adds 17.
/// </summary>
/// <remarks>
/// <para>Mini-batch loss: L = 1/N Σᵢ [‖xᵢ − x̂ᵢ‖² + λ_c‖∂zᵢ/∂xᵢ‖²_F + αᵢ·BCE(yᵢ, σ(head(zᵢ)))].
/// The encoder Jacobian is built explicitly, Jᵢᵀ = W₁ diag(m₁ᵢ) W₂ diag(m₂ᵢ) W₃ (weights stored in×out,
/// m the ReLU masks, the linear bottleneck's bias drops out); its gradient with respect to W₁, W₂, W₃ is exact
/// with the masks held constant (true almost everywhere). Forward and backward are fused by hand on the
/// <see cref="Gemm"/> kernels; the general <see cref="Tape"/> is not used here, for speed.</para>
/// <para>Training is single-threaded and deterministic (same seed, same data → bit-identical weights).
/// Batched scoring and input gradients run in blocks of <see cref="SsDeepCaeOptions.BlockRows"/> rows,
/// in parallel for large batches, and are safe to call concurrently with each other (not with training).</para>
/// </remarks>
public sealed class SsDeepCaeNetwork
{
    /// <summary>Width of the bottleneck z.</summary>
    public const int LatentWidth = 16;

    private const int FileMagic = 0x43445358; // "XSDC"
    private const int FileVersion = 1; // the paper's architecture, MSE, Adam (files written before the options existed)
    private const int FileVersionGeneral = 2; // adds hidden widths, loss and optimiser

    private static readonly int[] PaperHidden = [64, 32];

    private readonly int _layerCount;
    private readonly int _latent; // index of z among the activations
    private readonly int[] _dims;
    private readonly bool[] _relu;
    private readonly Dense[] _layers;
    private readonly Dense _head;
    private readonly Optimizer _optimizer;
    private readonly ConcurrentBag<Workspace> _pool = [];
    private readonly JacobianScratch? _jacobian;
    private readonly GeneralJacobianScratch? _generalJacobian;
    private Workspace? _train;

    /// <summary>Creates the network for rows of <paramref name="inputWidth"/> features, initialised from <see cref="SsDeepCaeOptions.Seed"/>.</summary>
    public SsDeepCaeNetwork(int inputWidth, SsDeepCaeOptions? options = null)
    {
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "The input width must be positive.");
        Options = options ?? new SsDeepCaeOptions();
        if (Options.BlockRows <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.BlockRows, "BlockRows must be positive.");
        if (Options.MaxDegreeOfParallelism <= 0) throw new ArgumentOutOfRangeException(nameof(options), Options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be positive.");
        if (!(Options.ContractiveWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(options), Options.ContractiveWeight, "ContractiveWeight must be non-negative.");
        InputWidth = inputWidth;
        int[] hidden = [.. Options.HiddenWidths ?? PaperHidden];
        if (hidden.Length < 1) throw new ArgumentOutOfRangeException(nameof(options), hidden.Length, "HiddenWidths needs at least one hidden layer.");
        foreach (int h in hidden)
            if (h < 1) throw new ArgumentOutOfRangeException(nameof(options), h, "Every hidden width must be positive.");
        HiddenWidths = hidden;
        // d → h₁ … h_k → z (linear) → 16 → h_k … h₁ → d (linear): k = 2 with [64, 32] is SPEC §2's network.
        _dims = [inputWidth, .. hidden, LatentWidth, 16, .. hidden.Reverse(), inputWidth];
        _layerCount = _dims.Length - 1;
        _latent = hidden.Length + 1;
        _relu = new bool[_layerCount];
        for (int l = 0; l < _layerCount; l++) _relu[l] = l != _latent - 1 && l != _layerCount - 1;
        var rng = new Rng(Options.Seed);
        _layers = new Dense[_layerCount];
        Parameters = new ParameterCollection();
        for (int l = 0; l < _layerCount; l++)
        {
            _layers[l] = new Dense(_dims[l], _dims[l + 1], rng, _relu[l] ? WeightInit.HeNormal : WeightInit.GlorotUniform);
            _layers[l].AddTo(Parameters);
        }
        _head = new Dense(LatentWidth, 1, rng, WeightInit.GlorotUniform);
        if (_latent == 3) _jacobian = new JacobianScratch(inputWidth, _dims[1], _dims[2]);
        else _generalJacobian = new GeneralJacobianScratch(_dims, _latent);
        _head.AddTo(Parameters);
        _optimizer = Options.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(Parameters, Options.LearningRate, Options.Beta1, Options.Beta2, Options.Epsilon),
            OptimizerKind.Sgd => new Sgd(Parameters, Options.LearningRate),
            OptimizerKind.RmsProp => new RmsProp(Parameters, Options.LearningRate),
            _ => throw new ArgumentOutOfRangeException(nameof(options), Options.Optimizer, "Unknown optimiser."),
        };
        _optimizer.MaxGradientNorm = Options.MaxGradientNorm;
    }

    /// <summary>Widths of the encoder's hidden layers (the paper's [64, 32] by default).</summary>
    public IReadOnlyList<int> HiddenWidths { get; }

    /// <summary>True for SPEC §2's network trained as the paper did (hidden [64, 32], MSE, Adam).</summary>
    public bool IsPaperDefault =>
        HiddenWidths.Count == 2 && HiddenWidths[0] == 64 && HiddenWidths[1] == 32 && Options.Loss == ReconstructionLoss.Mse && Options.Optimizer == OptimizerKind.Adam;

    /// <summary>The layer widths input to output, e.g. "20-64-32-16-16-32-64-20".</summary>
    public string Architecture => string.Join('-', _dims);

    /// <summary>Number of input features d.</summary>
    public int InputWidth { get; }

    /// <summary>The settings the network was built with.</summary>
    public SsDeepCaeOptions Options { get; }

    /// <summary>All trainable tensors: the layers (weight in×out, then bias) followed by the head.</summary>
    public ParameterCollection Parameters { get; }

    /// <summary>The autoencoder layers, input to output (seven for the paper's network).</summary>
    public IReadOnlyList<Dense> Layers => _layers;

    /// <summary>The head z → logit.</summary>
    public Dense Head => _head;

    /// <summary>Trainable parameters of the autoencoder alone (8,180 for d = 20).</summary>
    public int AutoencoderParameterCount
    {
        get
        {
            int n = 0;
            foreach (Dense l in _layers) n += l.ParameterCount;
            return n;
        }
    }

    /// <summary>Optimiser steps taken.</summary>
    public long Steps => _optimizer.Steps;

    /// <summary>
    /// One optimiser step on a mini-batch: <paramref name="x"/> holds <paramref name="n"/> rows of d features,
    /// <paramref name="labels"/> the 0/1 targets and <paramref name="labelWeights"/> αᵢ (λ for labelled rows,
    /// 0 for unlabelled ones; the label value of an unlabelled row is ignored). Allocates nothing once a
    /// batch of this size has been seen.
    /// </summary>
    public SsDeepCaeLoss TrainStep(ReadOnlySpan<float> x, int n, ReadOnlySpan<float> labels, ReadOnlySpan<float> labelWeights)
    {
        SsDeepCaeLoss loss = ComputeGradients(x, n, labels, labelWeights);
        _optimizer.Step();
        return loss;
    }

    /// <summary>
    /// Computes the mini-batch loss and writes its gradient into <see cref="Parameters"/> (overwriting any
    /// previous gradient) without updating the weights.
    /// </summary>
    public SsDeepCaeLoss ComputeGradients(ReadOnlySpan<float> x, int n, ReadOnlySpan<float> labels, ReadOnlySpan<float> labelWeights)
    {
        int d = InputWidth;
        CheckBatch(x, n);
        if (labels.Length < n) throw new ArgumentException($"labels has {labels.Length} values for {n} rows.", nameof(labels));
        if (labelWeights.Length < n) throw new ArgumentException($"labelWeights has {labelWeights.Length} values for {n} rows.", nameof(labelWeights));
        Workspace ws = _train is { } w && w.Capacity >= n ? w : (_train = new Workspace(_dims, n));
        Forward(x, n, ws);

        // Output layer: reconstruction error and its gradient, (2/N)(x̂ − x) for MSE.
        float[] xh = ws.Act[_layerCount], dxh = ws.Grad[_layerCount];
        double rec = Options.Loss switch
        {
            ReconstructionLoss.Mse => MseLoss(x, xh, dxh, n, d),
            ReconstructionLoss.Mae => MaeLoss(x, xh, dxh, n, d),
            _ => SmapeLoss(x, xh, dxh, n, d),
        };

        // Head: weighted BCE on the logit.
        double bce = 0;
        float[] dlogit = ws.DLogit;
        for (int i = 0; i < n; i++)
        {
            float l = ws.Logit[i], a = labelWeights[i];
            if (a == 0f)
            {
                dlogit[i] = 0f;
                continue;
            }
            bce += a * (Kernels.Softplus(l) - (labels[i] * l));
            dlogit[i] = a * (Kernels.Sigmoid(l) - labels[i]) / n;
        }

        // Back through the decoder and head to z, then the encoder, accumulating weight gradients.
        BackwardDecoder(n, ws, weightGrads: true);
        float[] z = ws.Act[_latent], dz = ws.Grad[_latent];
        float[] wh = _head.Weight.Data;
        Gemm.MultiplyTransposeA(z, dlogit, _head.Weight.Grad, LatentWidth, n, 1);
        _head.Bias.Grad![0] = TensorPrimitives.Sum(dlogit.AsSpan(0, n));
        for (int i = 0; i < n; i++)
        {
            if (dlogit[i] != 0f) TensorPrimitives.MultiplyAdd(wh, dlogit[i], dz.AsSpan(i * LatentWidth, LatentWidth), dz.AsSpan(i * LatentWidth, LatentWidth));
        }
        BackwardEncoder(x, n, ws, weightGrads: true, dx: default);

        float scale = 2f * Options.ContractiveWeight / n;
        double contractive = _jacobian is not null ? ContractivePenalty(n, ws, scale) : GeneralContractivePenalty(n, ws, scale);

        double inv = 1.0 / n;
        rec *= inv;
        contractive *= inv;
        bce *= inv;
        return new SsDeepCaeLoss(rec, contractive, bce, rec + (Options.ContractiveWeight * contractive) + bce);
    }

    /// <summary>
    /// Scores <paramref name="n"/> rows: reconstruction error ‖x − x̂‖², latent norm ‖z‖₂ and head probability
    /// σ(head(z)) per row. Pass an empty span to skip an output.
    /// </summary>
    public void Score(ReadOnlySpan<float> x, int n, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
    {
        CheckBatch(x, n);
        CheckOutput(reconstructionError, n, nameof(reconstructionError));
        CheckOutput(latentNorm, n, nameof(latentNorm));
        CheckOutput(headProbability, n, nameof(headProbability));
        int block = Options.BlockRows;
        if (n <= block || Options.MaxDegreeOfParallelism == 1)
        {
            Workspace ws = Rent(Math.Min(n, block));
            for (int s = 0; s < n; s += block)
            {
                int rows = Math.Min(block, n - s);
                ScoreBlock(x.Slice(s * InputWidth, rows * InputWidth), rows, ws, Slice(reconstructionError, s, rows), Slice(latentNorm, s, rows), Slice(headProbability, s, rows));
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

    /// <summary>Scores one row without allocating (buffers live on the stack).</summary>
    public void ScoreRow(ReadOnlySpan<float> x, out float reconstructionError, out float latentNorm, out float headProbability)
    {
        int d = InputWidth;
        if (x.Length < d) throw new ArgumentException($"The row has {x.Length} values, the network expects {d}.", nameof(x));
        if (d > 4096) throw new NotSupportedException("ScoreRow supports up to 4,096 features; use Score for wider rows.");
        int widest = 0;
        foreach (int w in _dims) widest = Math.Max(widest, w);
        if (widest > 4096) throw new NotSupportedException("ScoreRow supports layers up to 4,096 wide; use Score for wider rows.");
        Span<float> bufA = stackalloc float[widest];
        Span<float> bufB = stackalloc float[widest];
        Span<float> z = stackalloc float[LatentWidth];
        scoped ReadOnlySpan<float> input = x[..d];
        for (int l = 0; l < _layerCount; l++)
        {
            Span<float> output = (l == _latent - 1 ? z : (l % 2 == 0 ? bufA : bufB))[.._dims[l + 1]];
            Gemm.Linear(input, _layers[l].Weight.Data, _layers[l].Bias.Data, output, 1, _dims[l], _dims[l + 1], _relu[l]);
            input = output;
        }
        ReadOnlySpan<float> xh = input;
        reconstructionError = Kernels.SquaredDistance(xh, x[..d]);
        latentNorm = MathF.Sqrt(TensorPrimitives.SumOfSquares(z));
        headProbability = Kernels.Sigmoid(TensorPrimitives.Dot(z, _head.Weight.Data) + _head.Bias.Data[0]);
    }

    /// <summary>Writes the latent codes z (n×16) of <paramref name="n"/> rows.</summary>
    public void Encode(ReadOnlySpan<float> x, int n, Span<float> latent)
    {
        CheckBatch(x, n);
        CheckOutput(latent, n * LatentWidth, nameof(latent));
        Workspace ws = Rent(Math.Min(n, Options.BlockRows));
        for (int s = 0; s < n; s += Options.BlockRows)
        {
            int rows = Math.Min(Options.BlockRows, n - s);
            Forward(x.Slice(s * InputWidth, rows * InputWidth), rows, ws);
            ws.Act[_latent].AsSpan(0, rows * LatentWidth).CopyTo(latent.Slice(s * LatentWidth));
        }
        _pool.Add(ws);
    }

    /// <summary>
    /// Gradient with respect to each input row of f(x) = reWeight·‖x − x̂‖² + latentWeight·‖z‖₂ +
    /// headWeight·σ(head(z)), written to <paramref name="gradient"/> (n×d). One call with weights (1, 0, 0),
    /// (0, 1, 0) or (0, 0, 1) gives the gradient of a single output; a score combination needs one call.
    /// ReLU kinks take derivative 0; ‖z‖ at z = 0 takes gradient 0.
    /// </summary>
    public void InputGradient(ReadOnlySpan<float> x, int n, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        CheckBatch(x, n);
        CheckOutput(gradient, n * InputWidth, nameof(gradient));
        var weights = new GradientWeights(reWeight, latentWeight, headWeight);
        int block = Options.BlockRows;
        if (n <= block || Options.MaxDegreeOfParallelism == 1)
        {
            Workspace ws = Rent(Math.Min(n, block));
            for (int s = 0; s < n; s += block)
            {
                int rows = Math.Min(block, n - s);
                GradientBlock(x.Slice(s * InputWidth, rows * InputWidth), rows, ws, weights, gradient.Slice(s * InputWidth, rows * InputWidth));
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

    /// <summary>Writes the input width and all weights (raw float bits: a round trip is bit-identical).</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FileMagic);
        if (IsPaperDefault)
        {
            // The paper's network keeps the version-1 layout, so its files are byte-identical to older ones.
            writer.Write(FileVersion);
            writer.Write(InputWidth);
        }
        else
        {
            writer.Write(FileVersionGeneral);
            writer.Write(InputWidth);
            writer.Write(HiddenWidths.Count);
            foreach (int h in HiddenWidths) writer.Write(h);
            writer.Write((int)Options.Loss);
            writer.Write((int)Options.Optimizer);
        }
        Parameters.Save(writer);
    }

    /// <summary>Reads a network written by <see cref="Save"/>; <paramref name="options"/> supplies the training settings.</summary>
    public static SsDeepCaeNetwork Load(BinaryReader reader, SsDeepCaeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadInt32() != FileMagic) throw new InvalidDataException("SS-DeepCAE weights: bad magic number, not an SS-DeepCAE weight block.");
        int version = reader.ReadInt32();
        if (version is not (FileVersion or FileVersionGeneral)) throw new InvalidDataException($"SS-DeepCAE weights: format version {version}, expected {FileVersion} or {FileVersionGeneral}.");
        int d = reader.ReadInt32();
        if (d <= 0) throw new InvalidDataException($"SS-DeepCAE weights: input width {d} must be positive.");
        options ??= new SsDeepCaeOptions();
        if (version == FileVersion)
        {
            options = options with { HiddenWidths = null, Loss = ReconstructionLoss.Mse, Optimizer = OptimizerKind.Adam };
        }
        else
        {
            int k = reader.ReadInt32();
            if (k is < 1 or > 64) throw new InvalidDataException($"SS-DeepCAE weights: {k} hidden layers, expected 1 to 64.");
            var hidden = new int[k];
            for (int i = 0; i < k; i++)
            {
                hidden[i] = reader.ReadInt32();
                if (hidden[i] is < 1 or > 1 << 20) throw new InvalidDataException($"SS-DeepCAE weights: hidden width {hidden[i]} out of range.");
            }
            int loss = reader.ReadInt32(), optimizer = reader.ReadInt32();
            if (!Enum.IsDefined((ReconstructionLoss)loss)) throw new InvalidDataException($"SS-DeepCAE weights: unknown reconstruction loss code {loss}.");
            if (!Enum.IsDefined((OptimizerKind)optimizer)) throw new InvalidDataException($"SS-DeepCAE weights: unknown optimiser code {optimizer}.");
            options = options with { HiddenWidths = hidden, Loss = (ReconstructionLoss)loss, Optimizer = (OptimizerKind)optimizer };
        }
        var net = new SsDeepCaeNetwork(d, options);
        net.Parameters.Load(reader);
        return net;
    }

    // ---- reconstruction losses: return Σᵢ loss(xᵢ, x̂ᵢ) and write ∂(mean)/∂x̂ into dxh ----

    private static double MseLoss(ReadOnlySpan<float> x, float[] xh, float[] dxh, int n, int d)
    {
        double rec = 0;
        float g = 2f / n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> xi = x.Slice(i * d, d);
            Span<float> xhi = xh.AsSpan(i * d, d), di = dxh.AsSpan(i * d, d);
            TensorPrimitives.Subtract(xhi, xi, di);
            rec += TensorPrimitives.SumOfSquares(di);
            TensorPrimitives.Multiply(di, g, di);
        }
        return rec;
    }

    private static double MaeLoss(ReadOnlySpan<float> x, float[] xh, float[] dxh, int n, int d)
    {
        double rec = 0;
        float g = 1f / n;
        for (int k = 0; k < n * d; k++)
        {
            float diff = xh[k] - x[k];
            rec += MathF.Abs(diff);
            dxh[k] = diff > 0f ? g : diff < 0f ? -g : 0f; // subgradient 0 at the kink
        }
        return rec;
    }

    private static double SmapeLoss(ReadOnlySpan<float> x, float[] xh, float[] dxh, int n, int d)
    {
        double rec = 0;
        float g = 2f / n;
        for (int k = 0; k < n * d; k++)
        {
            float p = xh[k], t = x[k], diff = p - t, abs = MathF.Abs(diff);
            float den = MathF.Abs(p) + MathF.Abs(t) + Tape.SmapeEpsilon;
            rec += 2f * abs / den;
            // ∂/∂p of 2|p − t|/(|p| + |t| + ε) = 2(sign(p − t)·den − |p − t|·sign(p)) / den²
            dxh[k] = g * ((MathF.Sign(diff) * den) - (abs * MathF.Sign(p))) / (den * den);
        }
        return rec;
    }

    // ---- fused forward/backward ----

    private void Forward(ReadOnlySpan<float> x, int n, Workspace ws)
    {
        Gemm.Linear(x, _layers[0].Weight.Data, _layers[0].Bias.Data, ws.Act[1], n, _dims[0], _dims[1], _relu[0]);
        for (int l = 1; l < _layerCount; l++)
            Gemm.Linear(ws.Act[l], _layers[l].Weight.Data, _layers[l].Bias.Data, ws.Act[l + 1], n, _dims[l], _dims[l + 1], _relu[l]);
        Gemm.Multiply(ws.Act[_latent], _head.Weight.Data, ws.Logit, n, LatentWidth, 1);
        TensorPrimitives.Add(ws.Logit.AsSpan(0, n), _head.Bias.Data[0], ws.Logit.AsSpan(0, n));
    }

    // From Grad[7] (gradient at x̂) down to Grad[3] (gradient at z).
    private void BackwardDecoder(int n, Workspace ws, bool weightGrads)
    {
        for (int l = _layerCount - 1; l >= _latent; l--) BackwardLayer(l, ws.Act[l], n, ws, weightGrads, ws.Grad[l]);
    }

    // From Grad[3] down to the input; dx receives the input gradient when not empty.
    private void BackwardEncoder(ReadOnlySpan<float> x, int n, Workspace ws, bool weightGrads, Span<float> dx)
    {
        for (int l = _latent - 1; l >= 1; l--) BackwardLayer(l, ws.Act[l], n, ws, weightGrads, ws.Grad[l]);
        if (weightGrads)
        {
            Gemm.MultiplyTransposeA(x, ws.Grad[1], _layers[0].Weight.Grad, _dims[0], n, _dims[1]);
            Kernels.ColumnSums(ws.Grad[1], _layers[0].Bias.Grad, n, _dims[1]);
        }
        if (!dx.IsEmpty) Gemm.MultiplyTransposeB(ws.Grad[1], _layers[0].Weight.Data, dx, n, _dims[1], _dims[0]);
    }

    // Layer l maps Act[l] → Act[l+1]; Grad[l+1] holds the gradient at its (post-activation) output with
    // the ReLU mask already applied. Produces the masked gradient at Act[l] into dIn.
    private void BackwardLayer(int l, ReadOnlySpan<float> input, int n, Workspace ws, bool weightGrads, Span<float> dIn)
    {
        int fin = _dims[l], fout = _dims[l + 1];
        float[] gOut = ws.Grad[l + 1];
        if (weightGrads)
        {
            Gemm.MultiplyTransposeA(input, gOut, _layers[l].Weight.Grad, fin, n, fout);
            Kernels.ColumnSums(gOut, _layers[l].Bias.Grad, n, fout);
        }
        Gemm.MultiplyTransposeB(gOut, _layers[l].Weight.Data, dIn, n, fout, fin);
        if (_relu[l - 1]) Kernels.ReluBackward(dIn[..(n * fin)], input[..(n * fin)], dIn);
    }

    // λ_c-term, per sample i with active sets A₁ (m₁ᵢ) and A₂ (m₂ᵢ):
    //   Vᵢ = W₁[:, A₁]·W₂[A₁, :]   (d×32)        Tᵢ = Jᵢᵀ = Vᵢ[:, A₂]·W₃[A₂, :]   (d×16)
    // and back-propagates d(scale·‖Tᵢ‖²) into W₁, W₂, W₃. Only active units enter the products (ReLU
    // leaves about half of them inactive), which cuts the work about 2.4× against dense masked products;
    // W₁ and W₂ gradients gather in transposed accumulators so every product writes whole rows.
    // Returns Σᵢ‖Jᵢ‖²_F.
    private unsafe double ContractivePenalty(int n, Workspace ws, float scale)
    {
        int d = InputWidth, h1 = _dims[1], h2 = _dims[2];
        const int L = LatentWidth;
        JacobianScratch js = _jacobian!;
        Array.Clear(js.GradW0T);
        Array.Clear(js.GradW1T);
        double penalty = 0;
        fixed (float* w0 = _layers[0].Weight.Data, w1 = _layers[1].Weight.Data, w2 = _layers[2].Weight.Data, gw2 = _layers[2].Weight.Grad)
        fixed (float* act1 = ws.Act[1], act2 = ws.Act[2], v = js.V, t = js.T, tt = js.TT, dvt = js.DVT, u = js.U, gw0t = js.GradW0T, gw1t = js.GradW1T)
        fixed (nint* pa = js.ARows, pb = js.BRows, pc = js.CRows)
        fixed (int* off = js.Offsets, on1 = js.Active1, on2 = js.Active2)
        {
            float** aRows = (float**)pa, bRows = (float**)pb, cRows = (float**)pc;
            for (int i = 0; i < n; i++)
            {
                float* m1 = act1 + (i * h1), m2 = act2 + (i * h2);
                int k1 = 0, k2 = 0;
                for (int p = 0; p < h1; p++) if (m1[p] > 0f) on1[k1++] = p;
                for (int q = 0; q < h2; q++) if (m2[q] > 0f) on2[k2++] = q;
                if (k1 == 0 || k2 == 0) continue; // Jᵢ = 0: no penalty, no gradient

                // Vᵢ[j, :] = Σ_{p∈A₁} W₁[j, p] · W₂[p, :]
                for (int j = 0; j < d; j++) { aRows[j] = w0 + (j * h1); cRows[j] = v + (j * h2); }
                for (int r = 0; r < k1; r++) { off[r] = on1[r]; bRows[r] = w1 + (on1[r] * h2); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, d, k1, h2, false);
                // Tᵢ[j, :] = Σ_{q∈A₂} Vᵢ[j, q] · W₃[q, :]
                for (int j = 0; j < d; j++) { aRows[j] = v + (j * h2); cRows[j] = t + (j * L); }
                for (int r = 0; r < k2; r++) { off[r] = on2[r]; bRows[r] = w2 + (on2[r] * L); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, d, k2, L, false);
                var ti = new Span<float>(t, d * L);
                penalty += TensorPrimitives.SumOfSquares(ti);
                if (scale == 0f) continue;
                TensorPrimitives.Multiply(ti, scale, ti); // now dTᵢ

                // dW₃[q, :] += Σ_j Vᵢ[j, q] · dTᵢ[j, :]   (q ∈ A₂)
                for (int r = 0; r < k2; r++) { aRows[r] = v + on2[r]; cRows[r] = gw2 + (on2[r] * L); }
                for (int j = 0; j < d; j++) { off[j] = j * h2; bRows[j] = t + (j * L); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, k2, d, L, true);
                // dVᵢᵀ[r, :] = Σ_k W₃[q_r, k] · dTᵢᵀ[k, :]   (compact rows r ↔ q_r ∈ A₂)
                Gemm.Transpose(ti, new Span<float>(tt, d * L), d, L);
                for (int r = 0; r < k2; r++) { aRows[r] = w2 + (on2[r] * L); cRows[r] = dvt + (r * d); }
                for (int k = 0; k < L; k++) { off[k] = k; bRows[k] = tt + (k * d); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, k2, L, d, false);
                // dW₂ᵀ[q_r, :] += Σ_j dVᵢᵀ[r, j] · Uᵢ[j, :]   with Uᵢ = W₁ masked by m₁ᵢ
                for (int j = 0; j < d; j++)
                    Kernels.ReluBackward(new ReadOnlySpan<float>(w0 + (j * h1), h1), new ReadOnlySpan<float>(m1, h1), new Span<float>(u + (j * h1), h1));
                for (int r = 0; r < k2; r++) { aRows[r] = dvt + (r * d); cRows[r] = gw1t + (on2[r] * h1); }
                for (int j = 0; j < d; j++) { off[j] = j; bRows[j] = u + (j * h1); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, k2, d, h1, true);
                // dW₁ᵀ[p, :] += Σ_r W₂[p, q_r] · dVᵢᵀ[r, :]   (p ∈ A₁)
                for (int r = 0; r < k1; r++) { aRows[r] = w1 + (on1[r] * h2); cRows[r] = gw0t + (on1[r] * d); }
                for (int r = 0; r < k2; r++) { off[r] = on2[r]; bRows[r] = dvt + (r * d); }
                Gemm.GatherMultiply(aRows, off, bRows, cRows, k1, k2, d, true);
            }
        }
        if (scale != 0f)
        {
            float[] gw0 = _layers[0].Weight.Grad!, gw1 = _layers[1].Weight.Grad!;
            for (int j = 0; j < d; j++)
            {
                for (int p = 0; p < h1; p++) gw0[(j * h1) + p] += js.GradW0T[(p * d) + j];
            }
            for (int p = 0; p < h1; p++)
            {
                for (int q = 0; q < h2; q++) gw1[(p * h2) + q] += js.GradW1T[(q * h1) + p];
            }
        }
        return penalty;
    }

    // Per-sample buffers of the three-layer Jacobian penalty; sizes depend on d, h₁ and h₂.
    private sealed class JacobianScratch(int d, int h1, int h2)
    {
        public float[] V { get; } = new float[d * h2];
        public float[] T { get; } = new float[d * LatentWidth];
        public float[] TT { get; } = new float[LatentWidth * d];
        public float[] DVT { get; } = new float[h2 * d];
        public float[] U { get; } = new float[d * h1];
        public float[] GradW0T { get; } = new float[h1 * d];
        public float[] GradW1T { get; } = new float[h2 * h1];
        public nint[] ARows { get; } = new nint[Math.Max(d, Math.Max(h1, h2))];
        public nint[] BRows { get; } = new nint[Math.Max(d, Math.Max(h1, h2))];
        public nint[] CRows { get; } = new nint[Math.Max(d, Math.Max(h1, h2))];
        public int[] Offsets { get; } = new int[Math.Max(d, Math.Max(h1, h2))];
        public int[] Active1 { get; } = new int[h1];
        public int[] Active2 { get; } = new int[h2];
    }

    // The λ_c-term for any encoder depth E (weight layers W₀ … W_{E−1}, masks m₁ … m_{E−1}), per sample:
    //   Q₀ = W₀·diag(m₁), Q_l = Q_{l−1}·W_l·diag(m_{l+1}), T = Q_{E−2}·W_{E−1} = Jᵀ   (d×16)
    // then back-propagates d(scale·‖T‖²) = scale·2T… (scale already holds the 2) through the chain with the
    // masks held constant. Dense masked products: slower than the gathered three-layer path, used off the default.
    private double GeneralContractivePenalty(int n, Workspace ws, float scale)
    {
        int d = InputWidth, e = _latent;
        GeneralJacobianScratch js = _generalJacobian!;
        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            // Forward chain.
            float[] q0 = js.Q[0];
            int w1 = _dims[1];
            ReadOnlySpan<float> m1 = ws.Act[1].AsSpan(i * w1, w1);
            float[] w0 = _layers[0].Weight.Data;
            for (int j = 0; j < d; j++) Kernels.ReluBackward(w0.AsSpan(j * w1, w1), m1, q0.AsSpan(j * w1, w1));
            for (int l = 1; l < e; l++)
            {
                int fin = _dims[l], fout = _dims[l + 1];
                float[] dst = l == e - 1 ? js.T : js.Q[l];
                Gemm.Multiply(js.Q[l - 1], _layers[l].Weight.Data, dst, d, fin, fout);
                if (l < e - 1)
                {
                    ReadOnlySpan<float> m = ws.Act[l + 1].AsSpan(i * fout, fout);
                    for (int j = 0; j < d; j++) Kernels.ReluBackward(dst.AsSpan(j * fout, fout), m, dst.AsSpan(j * fout, fout));
                }
            }
            Span<float> t = js.T.AsSpan(0, d * LatentWidth);
            penalty += TensorPrimitives.SumOfSquares(t);
            if (scale == 0f) continue;

            // Backward chain: G holds d(scale·‖T‖²)/d(output of step l), masked.
            float[] g = js.G0, next = js.G1;
            TensorPrimitives.Multiply(t, scale, g.AsSpan(0, d * LatentWidth));
            for (int l = e - 1; l >= 1; l--)
            {
                int fin = _dims[l], fout = _dims[l + 1];
                Gemm.MultiplyTransposeA(js.Q[l - 1], g, _layers[l].Weight.Grad, fin, d, fout, accumulate: true);
                Gemm.MultiplyTransposeB(g, _layers[l].Weight.Data, next, d, fout, fin);
                ReadOnlySpan<float> m = ws.Act[l].AsSpan(i * fin, fin);
                for (int j = 0; j < d; j++) Kernels.ReluBackward(next.AsSpan(j * fin, fin), m, next.AsSpan(j * fin, fin));
                (g, next) = (next, g);
            }
            TensorPrimitives.Add(_layers[0].Weight.Grad, g.AsSpan(0, d * w1), _layers[0].Weight.Grad);
        }
        return penalty;
    }

    // Buffers of the general Jacobian penalty: Q[l] is d×dims[l+1] for l < E − 1; T is d×16; G0/G1 hold d×max width.
    private sealed class GeneralJacobianScratch
    {
        public GeneralJacobianScratch(int[] dims, int encoderLayers)
        {
            int d = dims[0], widest = LatentWidth;
            Q = new float[encoderLayers - 1][];
            for (int l = 0; l < encoderLayers - 1; l++)
            {
                Q[l] = new float[d * dims[l + 1]];
                widest = Math.Max(widest, dims[l + 1]);
            }
            T = new float[d * LatentWidth];
            G0 = new float[d * widest];
            G1 = new float[d * widest];
        }

        public float[][] Q { get; }

        public float[] T { get; }

        public float[] G0 { get; }

        public float[] G1 { get; }
    }

    private void ScoreBlock(ReadOnlySpan<float> x, int n, Workspace ws, Span<float> re, Span<float> zn, Span<float> prob)
    {
        Forward(x, n, ws);
        int d = InputWidth;
        float[] xh = ws.Act[_layerCount], z = ws.Act[_latent];
        if (!re.IsEmpty)
        {
            for (int i = 0; i < n; i++) re[i] = Kernels.SquaredDistance(xh.AsSpan(i * d, d), x.Slice(i * d, d));
        }
        if (!zn.IsEmpty)
        {
            for (int i = 0; i < n; i++) zn[i] = MathF.Sqrt(TensorPrimitives.SumOfSquares(z.AsSpan(i * LatentWidth, LatentWidth)));
        }
        if (!prob.IsEmpty) TensorPrimitives.Sigmoid(ws.Logit.AsSpan(0, n), prob[..n]);
    }

    private void GradientBlock(ReadOnlySpan<float> x, int n, Workspace ws, GradientWeights w, Span<float> dx)
    {
        int d = InputWidth;
        Forward(x, n, ws);
        float[] xh = ws.Act[_layerCount], z = ws.Act[_latent], dz = ws.Grad[_latent];
        if (w.Re != 0f)
        {
            // RE = ‖x − x̂‖²: ∂/∂x̂ = 2(x̂ − x), plus the direct term 2(x − x̂) added at the end.
            float[] dxh = ws.Grad[_layerCount];
            for (int i = 0; i < n; i++)
            {
                Span<float> di = dxh.AsSpan(i * d, d);
                TensorPrimitives.Subtract(xh.AsSpan(i * d, d), x.Slice(i * d, d), di);
                TensorPrimitives.Multiply(di, 2f * w.Re, di);
            }
            BackwardDecoder(n, ws, weightGrads: false);
        }
        else
        {
            dz.AsSpan(0, n * LatentWidth).Clear();
        }
        float[] wh = _head.Weight.Data;
        for (int i = 0; i < n; i++)
        {
            Span<float> zi = z.AsSpan(i * LatentWidth, LatentWidth), dzi = dz.AsSpan(i * LatentWidth, LatentWidth);
            if (w.LatentNorm != 0f)
            {
                float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(zi));
                if (norm > 0f) TensorPrimitives.MultiplyAdd(zi, w.LatentNorm / norm, dzi, dzi);
            }
            if (w.Head != 0f)
            {
                float p = Kernels.Sigmoid(ws.Logit[i]);
                TensorPrimitives.MultiplyAdd(wh, w.Head * p * (1f - p), dzi, dzi);
            }
        }
        BackwardEncoder(x, n, ws, weightGrads: false, dx);
        if (w.Re != 0f)
        {
            for (int i = 0; i < n; i++)
            {
                Span<float> gi = dx.Slice(i * d, d);
                // gi += 2·w·(x − x̂)
                TensorPrimitives.MultiplyAdd(x.Slice(i * d, d), 2f * w.Re, gi, gi);
                TensorPrimitives.MultiplyAdd(xh.AsSpan(i * d, d), -2f * w.Re, gi, gi);
            }
        }
    }

    // ---- plumbing ----

    private unsafe void RunParallel(BlockJob job, int n)
    {
        int blocks = (n + Options.BlockRows - 1) / Options.BlockRows;
        var po = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism };
        Parallel.For(0, blocks, po, () => Rent(Options.BlockRows), job.Run, _pool.Add);
    }

    private sealed unsafe class BlockJob(SsDeepCaeNetwork net, float* x, int n, float* re, int reLen, float* zn, int znLen, float* prob, int probLen, float* grad)
    {
        public GradientWeights Weights { get; init; }

        public Workspace Run(int block, ParallelLoopState state, Workspace ws)
        {
            int d = net.InputWidth, size = net.Options.BlockRows;
            int s = block * size, rows = Math.Min(size, n - s);
            var xs = new ReadOnlySpan<float>(x + ((long)s * d), rows * d);
            if (grad != null)
            {
                net.GradientBlock(xs, rows, ws, Weights, new Span<float>(grad + ((long)s * d), rows * d));
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

    private readonly record struct GradientWeights(float Re, float LatentNorm, float Head);

    private Workspace Rent(int rows)
    {
        while (_pool.TryTake(out Workspace? ws))
        {
            if (ws.Capacity >= rows) return ws;
        }
        return new Workspace(_dims, Math.Max(rows, 1));
    }

    private void CheckBatch(ReadOnlySpan<float> x, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The row count must be non-negative.");
        if (x.Length < (long)n * InputWidth) throw new ArgumentException($"x has {x.Length} values, {n} rows of {InputWidth} features need {(long)n * InputWidth}.", nameof(x));
    }

    private static void CheckOutput(Span<float> s, int need, string name)
    {
        if (!s.IsEmpty && s.Length < need) throw new ArgumentException($"{name} has {s.Length} values, {need} are needed.", name);
    }

    private static Span<float> Slice(Span<float> s, int start, int count) => s.IsEmpty ? default : s.Slice(start, count);

    // Activation and gradient buffers for a block of up to Capacity rows; Act[0]/Grad[0] are unused
    // (the input lives in the caller's span).
    private sealed class Workspace
    {
        public Workspace(int[] dims, int capacity)
        {
            Capacity = capacity;
            Act = new float[dims.Length][];
            Grad = new float[dims.Length][];
            Act[0] = [];
            Grad[0] = [];
            for (int l = 1; l < dims.Length; l++)
            {
                Act[l] = new float[capacity * dims[l]];
                Grad[l] = new float[capacity * dims[l]];
            }
            Logit = new float[capacity];
            DLogit = new float[capacity];
        }

        public int Capacity { get; }

        public float[][] Act { get; }

        public float[][] Grad { get; }

        public float[] Logit { get; }

        public float[] DLogit { get; }
    }
}
