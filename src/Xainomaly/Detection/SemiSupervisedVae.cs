using System.Text.Json.Nodes;

using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// The paper's SLA-VAE baseline (SPEC §2, Table V), a semi-supervised variational autoencoder: an encoder
/// d → 64 → 32 (ReLU) gives μ and log σ² (linear, 16 each), z = μ + σ·ε with ε ~ N(0, I) drawn from the seeded
/// generator, a decoder z → 32 → 64 → d (ReLU hidden, linear output) and a head μ → 1 logit. Loss per mini-batch:
/// L = 1/N Σᵢ [‖xᵢ − x̂ᵢ‖² + β_KL·KL(q(z|xᵢ) ‖ N(0, I)) + αᵢ·BCE(yᵢ, σ(head(μᵢ)))], αᵢ = λ for labelled rows, 0 otherwise.
/// </summary>
/// <remarks>
/// Scoring is deterministic: RE is the error of decode(μ), the latent norm is ‖μ‖₂ and the head reads μ, so a row
/// always gets the same score and the input gradient is exact.
/// </remarks>
public sealed class SemiSupervisedVae : IComponentScorer
{
    /// <summary>The kind name in model files and on the command line.</summary>
    public const string KindName = "sla-vae";

    private const int FileMagic = 0x45415653; // "SVAE"
    private const int FileVersion = 1;

    private readonly DenseStack _hidden;
    private readonly DenseStack _mean;
    private readonly DenseStack _logVariance;
    private readonly DenseStack _decoder;
    private readonly DenseStack _head;
    private readonly EncoderDecoder _core;
    private readonly ParameterCollection _parameters = new();

    /// <summary>Creates an untrained network for rows of <paramref name="inputWidth"/> features.</summary>
    public SemiSupervisedVae(int inputWidth, SemiSupervisedVaeOptions? options = null)
    {
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "The input width must be positive.");
        Options = options ?? new SemiSupervisedVaeOptions();
        int[] hidden = [.. Options.HiddenWidths];
        if (hidden.Length == 0 || Options.Latent <= 0 || Array.Exists(hidden, w => w <= 0))
            throw new ArgumentException("SLA-VAE needs at least one hidden layer and positive widths.", nameof(options));
        if (!(Options.KlWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(options), Options.KlWeight, "KlWeight must be non-negative.");
        InputWidth = inputWidth;
        var rng = NetworkRuntime.Stream(Options.Seed, 1);
        int[] enc = [inputWidth, .. hidden];
        int[] dec = [Options.Latent, .. hidden.Reverse(), inputWidth];
        var decRelu = new bool[dec.Length - 1];
        for (int l = 0; l < decRelu.Length - 1; l++) decRelu[l] = true;
        _hidden = new DenseStack(enc, [.. Enumerable.Repeat(true, hidden.Length)], rng);
        _mean = new DenseStack([hidden[^1], Options.Latent], [false], rng);
        _logVariance = new DenseStack([hidden[^1], Options.Latent], [false], rng);
        _decoder = new DenseStack(dec, decRelu, rng);
        _head = new DenseStack([Options.Latent, 1], [false], rng);
        _core = new EncoderDecoder([_hidden, _mean], _decoder, _head) { MaxDegreeOfParallelism = Math.Max(1, Options.MaxDegreeOfParallelism) };
        foreach (DenseStack s in new[] { _hidden, _mean, _logVariance, _decoder, _head }) s.AddTo(_parameters);
    }

    /// <summary>The settings it was built and trained with.</summary>
    public SemiSupervisedVaeOptions Options { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int InputWidth { get; }

    /// <inheritdoc />
    public bool HasReconstruction => true;

    /// <inheritdoc />
    public bool HasLatent => true;

    /// <inheritdoc />
    public bool HasHead => true;

    /// <summary>Trainable scalars: encoder, μ and log σ² layers, decoder, then head, in that order.</summary>
    public ParameterCollection Parameters => _parameters;

    /// <summary>Trains a network on a fit request (settings from <see cref="NetworkFitRequest.Settings"/>, seed from its context).</summary>
    public static SemiSupervisedVae Fit(NetworkFitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = SemiSupervisedVaeOptions.From(request.Settings, request.Context.Seed);
        var net = new SemiSupervisedVae(request.Data.Width, options);
        net.Train(request);
        return net;
    }

    /// <summary>The hyper-parameters a trainer with <paramref name="settings"/> uses, for the model file.</summary>
    public static JsonObject Hyperparameters(TrainerSettings settings)
    {
        var t = AutoencoderTraining.From(settings);
        var o = new SemiSupervisedVaeOptions();
        return new JsonObject
        {
            ["architecture"] = "d → 64 → 32 → (μ, log σ²) 16; z = μ + σ·ε → 32 → 64 → d (linear), ReLU hidden, head μ → 1",
            ["klWeight"] = o.KlWeight,
            ["steps"] = t.Steps,
            ["batchSize"] = t.BatchSize,
            ["labelledPerBatch"] = t.LabelledPerBatch,
            ["learningRate"] = t.LearningRate,
            ["labelWeight"] = t.LabelWeight,
        };
    }

    /// <summary>
    /// The mini-batch loss for rows <paramref name="x"/> with the noise <paramref name="epsilon"/> (n × latent),
    /// recorded on <paramref name="tape"/> over the trainable weights: the function training minimises.
    /// </summary>
    internal Tensor Loss(Tape tape, Tensor x, Tensor labels, Tensor weights, Tensor epsilon)
    {
        int n = x.Rows, k = Options.Latent;
        Tensor h = _hidden.Forward(tape, x, frozen: false);
        Tensor mu = _mean.Forward(tape, h, frozen: false);
        Tensor logVar = _logVariance.Forward(tape, h, frozen: false);
        Tensor z = tape.Add(mu, tape.Multiply(tape.Exp(tape.Scale(logVar, 0.5f)), epsilon));
        Tensor xh = _decoder.Forward(tape, z, frozen: false);
        Tensor logit = _head.Forward(tape, mu, frozen: false);
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½ Σ (μ² + σ² − log σ² − 1), averaged over the batch.
        Tensor kl = tape.AddScalar(tape.Scale(tape.Sum(tape.Subtract(tape.Add(tape.Square(mu), tape.Exp(logVar)), logVar)), 0.5f / n), -0.5f * k);
        Tensor rec = tape.Scale(tape.MseLoss(xh, x), x.Cols);
        return tape.Add(tape.Add(rec, tape.Scale(kl, Options.KlWeight)), tape.BceWithLogits(logit, labels, weights));
    }

    private void Train(NetworkFitRequest request)
    {
        TrainingData data = request.Data;
        if (data.Width != InputWidth) throw new ArgumentException($"The data has {data.Width} features, the network {InputWidth}.");
        AutoencoderTraining plan = Options.Training;
        int d = InputWidth, b = plan.BatchSize, k = Options.Latent;
        var batches = plan.Batches(request, NetworkRuntime.Stream(Options.Seed, 2));
        var noise = NetworkRuntime.Stream(Options.Seed, 3);
        var adam = new Adam(_parameters, plan.LearningRate);
        var tape = new Tape();
        var xb = new Tensor(batches.X, b, d);
        var yb = new Tensor(batches.Labels, b, 1);
        var wb = new Tensor(batches.Weights, b, 1);
        var eps = new Tensor(b, k);
        var (vx, vy) = NetworkRuntime.Gather(data, request.Validation);
        Func<(double, double)>? validate = null;
        if (vy.Length > 0)
        {
            // Validation loss with ε = 0: the deterministic counterpart of the training loss.
            var vtape = new Tape();
            var vxt = new Tensor(vx, vy.Length, d);
            var vyt = new Tensor(vy, vy.Length, 1);
            var vwt = new Tensor(vy.Length, 1);
            vwt.Span.Fill(plan.LabelWeight);
            var veps = new Tensor(vy.Length, k);
            var vp = new float[vy.Length];
            validate = () =>
            {
                vtape.Reset();
                double loss = Loss(vtape, vxt, vyt, vwt, veps).Data[0];
                _core.Score(vx, vy.Length, default, default, vp);
                return (loss, NetworkRuntime.BceAndAccuracy(vp, vy).Accuracy);
            };
        }
        NetworkRuntime.Run(plan.Steps, request.Context, () =>
        {
            batches.Next();
            float[] e = eps.Data;
            for (int i = 0; i < e.Length; i++) e[i] = (float)noise.NextGaussian();
            tape.Reset();
            Tensor loss = Loss(tape, xb, yb, wb, eps);
            tape.Backward(loss);
            adam.Step();
            return loss.Data[0];
        }, validate);
    }

    /// <inheritdoc />
    public void ScoreComponents(ReadOnlySpan<float> rows, int count, Span<float> reconstructionError, Span<float> latentNorm, Span<float> headProbability)
        => _core.Score(rows, count, reconstructionError, latentNorm, headProbability);

    /// <inheritdoc />
    public bool TryInputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        _core.InputGradient(rows, count, reWeight, latentWeight, headWeight, gradient);
        return true;
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        NetworkRuntime.WriteHeader(writer, FileMagic, FileVersion, InputWidth);
        NetworkRuntime.WriteInts(writer, [.. Options.HiddenWidths]);
        writer.Write(Options.Latent);
        writer.Write(Options.KlWeight);
        writer.Write(Options.Steps);
        writer.Write(Options.BatchSize);
        writer.Write(Options.LabelledPerBatch);
        writer.Write(Options.LearningRate);
        writer.Write(Options.LabelWeight);
        writer.Write(Options.Seed);
        _parameters.Save(writer);
    }

    /// <summary>Reads a network written by <see cref="Write"/> (bit-identical weights).</summary>
    public static SemiSupervisedVae Read(BinaryReader reader)
    {
        int d = NetworkRuntime.ReadHeader(reader, FileMagic, FileVersion, "SLA-VAE");
        var options = new SemiSupervisedVaeOptions
        {
            HiddenWidths = NetworkRuntime.ReadInts(reader, "SLA-VAE weights"),
            Latent = reader.ReadInt32(),
            KlWeight = reader.ReadSingle(),
            Steps = reader.ReadInt32(),
            BatchSize = reader.ReadInt32(),
            LabelledPerBatch = reader.ReadInt32(),
            LearningRate = reader.ReadSingle(),
            LabelWeight = reader.ReadSingle(),
            Seed = reader.ReadInt64(),
        };
        if (options.Latent is < 1 or > 65_536) throw new InvalidDataException($"SLA-VAE weights: latent width {options.Latent} is out of range.");
        var net = new SemiSupervisedVae(d, options);
        net._parameters.Load(reader);
        return net;
    }
}
