using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;

using Xainomaly.Numerics;

using Tensor = Xainomaly.Numerics.Tensor;

namespace Xainomaly.Detection;

/// <summary>
/// The SON paper's detector (SPEC §4): a supervised MLP d → 256 → 256 → 256 → 1 logit with ReLU and dropout 0.4
/// (training only); σ(logit) is the 2-way softmax's anomaly probability. It trains on the labelled rows alone
/// (Adam, BCE) and stops early on the validation rows' loss, restoring the best epoch's weights. It has no
/// reconstruction and no latent code: RE and ‖z‖ are written as 0.
/// </summary>
public sealed class MlpClassifier : IComponentScorer
{
    /// <summary>The kind name in model files and on the command line.</summary>
    public const string KindName = "mlp";

    private const int FileMagic = 0x50504C4D; // "MLPP"
    private const int FileVersion = 1;

    private readonly DenseStack _stack;
    private readonly ParameterCollection _parameters = new();
    private readonly ConcurrentBag<Scratch> _pool = [];

    /// <summary>Creates an untrained network for rows of <paramref name="inputWidth"/> features.</summary>
    public MlpClassifier(int inputWidth, MlpClassifierOptions? options = null)
    {
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "The input width must be positive.");
        Options = options ?? new MlpClassifierOptions();
        int[] hidden = [.. Options.HiddenWidths];
        if (hidden.Length == 0 || Array.Exists(hidden, w => w <= 0)) throw new ArgumentException("The MLP needs at least one hidden layer of positive width.", nameof(options));
        if (Options.Dropout is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(options), Options.Dropout, "Dropout must be in [0, 1).");
        InputWidth = inputWidth;
        int[] widths = [inputWidth, .. hidden, 1];
        var relu = new bool[widths.Length - 1];
        for (int l = 0; l < relu.Length - 1; l++) relu[l] = true;
        _stack = new DenseStack(widths, relu, NetworkRuntime.Stream(Options.Seed, 1));
        _stack.AddTo(_parameters);
    }

    /// <summary>The settings it was built and trained with.</summary>
    public MlpClassifierOptions Options { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int InputWidth { get; }

    /// <inheritdoc />
    public bool HasReconstruction => false;

    /// <inheritdoc />
    public bool HasLatent => false;

    /// <inheritdoc />
    public bool HasHead => true;

    /// <summary>Trainable tensors (weight and bias of each layer, input to output).</summary>
    public ParameterCollection Parameters => _parameters;

    /// <summary>Epochs run by <see cref="Fit"/> (0 for a network read from a file).</summary>
    public int EpochsTrained { get; private set; }

    /// <summary>The epoch (1-based) whose weights were kept: the best validation loss, or the last epoch without validation rows.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Validation loss (mean BCE) of the kept weights; NaN without validation rows.</summary>
    public double BestValidationLoss { get; private set; } = double.NaN;

    /// <summary>Trains on the request's labelled rows, stopping early on its validation rows.</summary>
    public static MlpClassifier Fit(NetworkFitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var net = new MlpClassifier(request.Data.Width, MlpClassifierOptions.From(request.Settings, request.Context.Seed));
        net.Train(request);
        return net;
    }

    /// <summary>The hyper-parameters a trainer with <paramref name="settings"/> uses, for the model file.</summary>
    public static JsonObject Hyperparameters(TrainerSettings settings)
    {
        var o = MlpClassifierOptions.From(settings, 0);
        return new JsonObject
        {
            ["architecture"] = "d → 256 → 256 → 256 → 1, ReLU, dropout 0.4",
            ["batchSize"] = o.BatchSize,
            ["learningRate"] = o.LearningRate,
            ["maxEpochs"] = o.MaxEpochs,
            ["patience"] = o.Patience,
            ["epochsWithoutValidation"] = o.EpochsWithoutValidation,
            ["maxSteps"] = o.MaxSteps,
        };
    }

    private void Train(NetworkFitRequest request)
    {
        TrainingData data = request.Data;
        if (data.Width != InputWidth) throw new ArgumentException($"The data has {data.Width} features, the network {InputWidth}.");
        int[] labelled = request.Labelled;
        if (labelled.Length == 0)
            throw new ArgumentException("The mlp detector is supervised: the label budget left no labelled rows to train on (raise --labels).", "--labels");
        TrainingContext context = request.Context;
        int d = InputWidth, b = Math.Min(Options.BatchSize, labelled.Length);
        var batches = new SemiSupervisedBatches(data, labelled, [], b, b, 1f, NetworkRuntime.Stream(Options.Seed, 2));
        var dropoutRng = NetworkRuntime.Stream(Options.Seed, 3);
        var adam = new Adam(_parameters, Options.LearningRate);
        var tape = new Tape();
        var xb = new Tensor(batches.X, b, d);
        var yb = new Tensor(batches.Labels, b, 1);
        var (vx, vy) = NetworkRuntime.Gather(data, request.Validation);
        bool early = vy.Length > 0;
        var vLogit = new float[vy.Length];

        int stepsPerEpoch = (labelled.Length + b - 1) / b;
        int epochs = early ? Options.MaxEpochs : Options.EpochsWithoutValidation;
        long total = (long)epochs * stepsPerEpoch;
        if (Options.MaxSteps is { } cap && cap < total) total = cap;
        long progressEvery = Math.Max(1, total / 100);
        float[][]? best = null;
        double bestLoss = double.PositiveInfinity;
        long step = 0;
        int epoch = 0;
        while (step < total)
        {
            epoch++;
            double sum = 0;
            int count = 0;
            for (int s = 0; s < stepsPerEpoch && step < total; s++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                batches.Next();
                tape.Reset();
                Tensor logit = _stack.Forward(tape, xb, frozen: false, Options.Dropout, dropoutRng);
                Tensor loss = tape.BceWithLogits(logit, yb);
                tape.Backward(loss);
                adam.Step();
                step++;
                sum += loss.Data[0];
                count++;
                if (step % progressEvery == 0 || step == total) context.Progress?.Report(new TrainingProgress(step, total, loss.Data[0]));
            }
            double? vLoss = null, vAcc = null;
            if (early)
            {
                Logits(vx, vy.Length, vLogit);
                (vLoss, vAcc) = LogitLoss(vLogit, vy);
                if (vLoss < bestLoss)
                {
                    bestLoss = vLoss.Value;
                    BestEpoch = epoch;
                    best ??= new float[_parameters.Count][];
                    for (int p = 0; p < _parameters.Count; p++) best[p] = (float[])_parameters[p].Data.Clone();
                }
            }
            context.History.Add(new TrainingProgress(step, total, sum / count, vLoss, vAcc));
            if (early && epoch - BestEpoch >= Options.Patience) break;
        }
        EpochsTrained = epoch;
        if (best is not null)
        {
            // Early stopping keeps the best epoch, not the last one.
            for (int p = 0; p < _parameters.Count; p++) best[p].CopyTo(_parameters[p].Data, 0);
            BestValidationLoss = bestLoss;
        }
        else
        {
            BestEpoch = epoch;
        }
        context.Validation["mlpEpochs"] = EpochsTrained;
        context.Validation["mlpBestEpoch"] = BestEpoch;
        if (best is not null) context.Validation["mlpBestValidationLoss"] = BestValidationLoss;
    }

    // Mean BCE on logits, softplus(l) − y·l, and the accuracy at p > 0.5 (logit > 0).
    private static (double Loss, double Accuracy) LogitLoss(ReadOnlySpan<float> logits, ReadOnlySpan<float> y)
    {
        double s = 0;
        int right = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            s += Kernels.Softplus(logits[i]) - (y[i] * logits[i]);
            if ((logits[i] > 0f) == (y[i] > 0.5f)) right++;
        }
        return (s / logits.Length, (double)right / logits.Length);
    }

    /// <summary>Mean binary cross-entropy of the current weights (no dropout) on labelled rows.</summary>
    public double Loss(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels)
    {
        var logits = new float[labels.Length];
        var y = new float[labels.Length];
        for (int i = 0; i < y.Length; i++) y[i] = labels[i];
        Logits(rows, labels.Length, logits);
        return LogitLoss(logits, y).Loss;
    }

    /// <summary>The logits of <paramref name="count"/> rows.</summary>
    public void Logits(ReadOnlySpan<float> rows, int count, Span<float> logits)
    {
        NetworkRuntime.CheckBatch(InputWidth, rows, count, logits, default, default);
        if (count == 0) return;
        int d = InputWidth;
        unsafe
        {
            fixed (float* px = rows, pl = logits)
            {
                nint ax = (nint)px, al = (nint)pl;
                NetworkRuntime.ForBlocks(count, Math.Max(1, Options.MaxDegreeOfParallelism), (start, n) =>
                {
                    Scratch s = Rent(n);
                    _stack.Infer(new ReadOnlySpan<float>((float*)ax + ((long)start * d), n * d), n, s.A, s.B, new Span<float>((float*)al + start, n));
                    _pool.Add(s);
                });
            }
        }
    }

    /// <inheritdoc />
    public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
    {
        NetworkRuntime.CheckBatch(InputWidth, rows, count, reconstructionError, latentNorm, headProbability);
        if (!reconstructionError.IsEmpty) reconstructionError[..count].Clear();
        if (!latentNorm.IsEmpty) latentNorm[..count].Clear();
        if (headProbability.IsEmpty) return;
        Logits(rows, count, headProbability);
        TensorPrimitives.Sigmoid(headProbability[..count], headProbability[..count]);
    }

    /// <inheritdoc />
    /// <remarks>RE and ‖z‖ are constant 0, so only <paramref name="headWeight"/> contributes.</remarks>
    public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        int d = InputWidth;
        NetworkRuntime.CheckBatch(d, rows, count, default, default, default);
        if (gradient.Length < (long)count * d) throw new ArgumentException($"gradient has {gradient.Length} values, {count} rows need {(long)count * d}.", nameof(gradient));
        if (count == 0) return true;
        if (headWeight == 0f)
        {
            gradient[..(count * d)].Clear();
            return true;
        }
        unsafe
        {
            fixed (float* px = rows, pg = gradient)
            {
                nint ax = (nint)px, ag = (nint)pg;
                NetworkRuntime.ForBlocks(count, Math.Max(1, Options.MaxDegreeOfParallelism), (start, n) =>
                {
                    Scratch s = Rent(n);
                    Tensor x = s.Input(n, d);
                    new ReadOnlySpan<float>((float*)ax + ((long)start * d), n * d).CopyTo(x.Data);
                    x.ZeroGrad();
                    s.Tape.Reset();
                    // Σ σ(logitᵢ) over the block: each row's term depends on that row alone.
                    Tensor total = s.Tape.Scale(s.Tape.Sum(s.Tape.Sigmoid(_stack.Forward(s.Tape, x, frozen: true))), headWeight);
                    s.Tape.Backward(total);
                    x.Grad.AsSpan(0, n * d).CopyTo(new Span<float>((float*)ag + ((long)start * d), n * d));
                    _pool.Add(s);
                });
            }
        }
        return true;
    }

    /// <summary>
    /// ∂logit/∂x per row. Attacks use it instead of ∂σ(logit)/∂x, which underflows to exactly 0 where the probability
    /// saturates in float32 and would hide the direction of the loss (gradient masking).
    /// </summary>
    public void LogitGradient(ReadOnlySpan<float> rows, int count, Span<float> gradient)
    {
        int d = InputWidth;
        NetworkRuntime.CheckBatch(d, rows, count, default, default, default);
        if (gradient.Length < (long)count * d) throw new ArgumentException($"gradient has {gradient.Length} values, {count} rows need {(long)count * d}.", nameof(gradient));
        if (count == 0) return;
        unsafe
        {
            fixed (float* px = rows, pg = gradient)
            {
                nint ax = (nint)px, ag = (nint)pg;
                NetworkRuntime.ForBlocks(count, Math.Max(1, Options.MaxDegreeOfParallelism), (start, n) =>
                {
                    Scratch s = Rent(n);
                    Tensor x = s.Input(n, d);
                    new ReadOnlySpan<float>((float*)ax + ((long)start * d), n * d).CopyTo(x.Data);
                    x.ZeroGrad();
                    s.Tape.Reset();
                    s.Tape.Backward(s.Tape.Sum(_stack.Forward(s.Tape, x, frozen: true)));
                    x.Grad.AsSpan(0, n * d).CopyTo(new Span<float>((float*)ag + ((long)start * d), n * d));
                    _pool.Add(s);
                });
            }
        }
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        NetworkRuntime.WriteHeader(writer, FileMagic, FileVersion, InputWidth);
        NetworkRuntime.WriteInts(writer, [.. Options.HiddenWidths]);
        writer.Write(Options.Dropout);
        writer.Write(Options.BatchSize);
        writer.Write(Options.LearningRate);
        writer.Write(Options.MaxEpochs);
        writer.Write(Options.Patience);
        writer.Write(Options.EpochsWithoutValidation);
        writer.Write(Options.MaxSteps ?? 0);
        writer.Write(Options.Seed);
        _parameters.Save(writer);
    }

    /// <summary>Reads a network written by <see cref="Write"/> (bit-identical weights).</summary>
    public static MlpClassifier Read(BinaryReader reader)
    {
        int d = NetworkRuntime.ReadHeader(reader, FileMagic, FileVersion, "MLP");
        var hidden = NetworkRuntime.ReadInts(reader, "MLP weights");
        float dropout = reader.ReadSingle();
        if (dropout is < 0f or >= 1f) throw new InvalidDataException($"MLP weights: dropout {dropout} is outside [0, 1).");
        var options = new MlpClassifierOptions
        {
            HiddenWidths = hidden,
            Dropout = dropout,
            BatchSize = reader.ReadInt32(),
            LearningRate = reader.ReadSingle(),
            MaxEpochs = reader.ReadInt32(),
            Patience = reader.ReadInt32(),
            EpochsWithoutValidation = reader.ReadInt32(),
            MaxSteps = reader.ReadInt32() is int m && m > 0 ? m : null,
            Seed = reader.ReadInt64(),
        };
        var net = new MlpClassifier(d, options);
        net._parameters.Load(reader);
        return net;
    }

    // Scratch sized to the block, so that scoring a few rows does not allocate for 4,096.
    private Scratch Rent(int rows)
    {
        while (_pool.TryTake(out Scratch? s))
        {
            if (s.Capacity >= rows) return s;
        }
        return new Scratch(Math.Max(rows, 1), _stack.MaxWidth);
    }

    private sealed class Scratch(int capacity, int maxWidth)
    {
        public int Capacity => capacity;

        private Tensor? _input;

        public float[] A { get; } = new float[capacity * maxWidth];

        public float[] B { get; } = new float[capacity * maxWidth];

        public Tape Tape { get; } = new();

        public Tensor Input(int n, int cols) => _input is { } t && t.Rows == n ? t : (_input = new Tensor(n, cols, requiresGrad: true));
    }
}
