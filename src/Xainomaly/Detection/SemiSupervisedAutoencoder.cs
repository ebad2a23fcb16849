using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// A semi-supervised autoencoder without a contractive term: encoder d → w₁ → … → z, mirrored decoder z → … → d
/// (ReLU hidden layers, linear output) and a head z → 1 logit, trained on
/// L = 1/N Σᵢ [‖xᵢ − x̂ᵢ‖² + αᵢ·BCE(yᵢ, σ(head(zᵢ)))]. The engine of <see cref="VanillaAutoencoder"/> and
/// <see cref="DeepAutoencoder"/>, which differ only in their widths and in whether z passes a ReLU.
/// </summary>
internal sealed class SemiSupervisedAutoencoder
{
    public SemiSupervisedAutoencoder(int inputWidth, int[] encoderWidths, bool latentRelu, long seed)
    {
        if (inputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(inputWidth), inputWidth, "The input width must be positive.");
        if (encoderWidths.Length == 0) throw new ArgumentException("The encoder needs at least one layer.", nameof(encoderWidths));
        foreach (int w in encoderWidths)
            if (w <= 0) throw new ArgumentException($"Layer width {w} must be positive.", nameof(encoderWidths));
        InputWidth = inputWidth;
        EncoderWidths = (int[])encoderWidths.Clone();
        LatentRelu = latentRelu;
        int depth = encoderWidths.Length;
        int[] enc = [inputWidth, .. encoderWidths];
        int[] dec = [.. enc];
        Array.Reverse(dec);
        var encRelu = new bool[depth];
        var decRelu = new bool[depth];
        for (int l = 0; l < depth; l++)
        {
            encRelu[l] = l < depth - 1 || latentRelu;
            decRelu[l] = l < depth - 1;
        }
        var rng = NetworkRuntime.Stream(seed, 1);
        Encoder = new DenseStack(enc, encRelu, rng);
        Decoder = new DenseStack(dec, decRelu, rng);
        Head = new DenseStack([encoderWidths[^1], 1], [false], rng);
        Core = new EncoderDecoder([Encoder], Decoder, Head);
        Parameters = new ParameterCollection();
        Encoder.AddTo(Parameters);
        Decoder.AddTo(Parameters);
        Head.AddTo(Parameters);
    }

    public int InputWidth { get; }

    public int[] EncoderWidths { get; }

    public bool LatentRelu { get; }

    public DenseStack Encoder { get; }

    public DenseStack Decoder { get; }

    public DenseStack Head { get; }

    public EncoderDecoder Core { get; }

    /// <summary>Encoder, decoder, then head: weight and bias of each layer.</summary>
    public ParameterCollection Parameters { get; }

    /// <summary>Trainable scalars of the autoencoder alone (no head).</summary>
    public int AutoencoderParameterCount => Encoder.ParameterCount + Decoder.ParameterCount;

    /// <summary>Trains on <paramref name="request"/>'s rows with the given settings (deterministic for <paramref name="seed"/>).</summary>
    public void Train(NetworkFitRequest request, AutoencoderTraining plan, long seed)
    {
        TrainingData data = request.Data;
        if (data.Width != InputWidth) throw new ArgumentException($"The data has {data.Width} features, the network {InputWidth}.");
        int d = InputWidth, b = plan.BatchSize;
        var batches = plan.Batches(request, NetworkRuntime.Stream(seed, 2));
        var adam = new Adam(Parameters, plan.LearningRate);
        var tape = new Tape();
        var xb = new Tensor(batches.X, b, d);
        var yb = new Tensor(batches.Labels, b, 1);
        var wb = new Tensor(batches.Weights, b, 1);
        var (vx, vy) = NetworkRuntime.Gather(data, request.Validation);
        var vre = new float[vy.Length];
        var vp = new float[vy.Length];
        Func<(double, double)>? validate = vy.Length == 0 ? null : () =>
        {
            Core.Score(vx, vy.Length, vre, default, vp);
            var (bce, acc) = NetworkRuntime.BceAndAccuracy(vp, vy);
            double re = 0;
            foreach (float r in vre) re += r;
            return ((re / vre.Length) + (plan.LabelWeight * bce), acc);
        };
        NetworkRuntime.Run(plan.Steps, request.Context, () =>
        {
            batches.Next();
            tape.Reset();
            var (_, xh, logit) = Core.Forward(tape, xb, frozen: false);
            // MseLoss averages over N·d elements; ×d makes it 1/N Σ‖x − x̂‖². BceWithLogits already averages over N.
            Tensor loss = tape.Add(tape.Scale(tape.MseLoss(xh, xb), d), tape.BceWithLogits(logit, yb, wb));
            tape.Backward(loss);
            adam.Step();
            return loss.Data[0];
        }, validate);
    }
}
