using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>
/// The paper's Vanilla AE baseline (SPEC §2, Table V): one hidden layer d → h → d (ReLU hidden, linear output) and a
/// head h → 1 logit on the hidden code, trained semi-supervised like SS-DeepCAE without the Jacobian term:
/// L = 1/N Σᵢ [‖xᵢ − x̂ᵢ‖² + αᵢ·BCE(yᵢ, σ(head(zᵢ)))], αᵢ = λ for labelled rows and 0 for unlabelled ones.
/// </summary>
public sealed class VanillaAutoencoder : AutoencoderScorer
{
    /// <summary>The kind name in model files and on the command line.</summary>
    public const string KindName = "vanilla-ae";

    private const int FileMagic = 0x45415658; // "XVAE"
    private const int FileVersion = 1;

    /// <summary>Creates an untrained network for rows of <paramref name="inputWidth"/> features.</summary>
    public VanillaAutoencoder(int inputWidth, VanillaAutoencoderOptions? options = null)
        : base(Build(inputWidth, options ?? new VanillaAutoencoderOptions()))
    {
        Options = options ?? new VanillaAutoencoderOptions();
    }

    private static SemiSupervisedAutoencoder Build(int inputWidth, VanillaAutoencoderOptions options)
    {
        if (options.Hidden <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Hidden, "Hidden must be positive.");
        var net = new SemiSupervisedAutoencoder(inputWidth, [options.Hidden], latentRelu: true, options.Seed);
        net.Core.MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism);
        return net;
    }

    /// <summary>The settings it was built and trained with.</summary>
    public VanillaAutoencoderOptions Options { get; }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>Trains a network on a fit request (settings from <see cref="NetworkFitRequest.Settings"/>, seed from its context).</summary>
    public static VanillaAutoencoder Fit(NetworkFitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = VanillaAutoencoderOptions.From(request.Settings, request.Context.Seed);
        var net = new VanillaAutoencoder(request.Data.Width, options);
        net.Net.Train(request, options.Training, options.Seed);
        return net;
    }

    /// <summary>The hyper-parameters a trainer with <paramref name="settings"/> uses, for the model file.</summary>
    public static JsonObject Hyperparameters(TrainerSettings settings)
    {
        var t = AutoencoderTraining.From(settings);
        return new JsonObject
        {
            ["architecture"] = "d → 16 (ReLU) → d (linear), head 16 → 1",
            ["steps"] = t.Steps,
            ["batchSize"] = t.BatchSize,
            ["labelledPerBatch"] = t.LabelledPerBatch,
            ["learningRate"] = t.LearningRate,
            ["labelWeight"] = t.LabelWeight,
        };
    }

    /// <inheritdoc />
    public override void Write(BinaryWriter writer)
    {
        NetworkRuntime.WriteHeader(writer, FileMagic, FileVersion, InputWidth);
        writer.Write(Options.Hidden);
        writer.Write(Options.Steps);
        writer.Write(Options.BatchSize);
        writer.Write(Options.LabelledPerBatch);
        writer.Write(Options.LearningRate);
        writer.Write(Options.LabelWeight);
        writer.Write(Options.Seed);
        Net.Parameters.Save(writer);
    }

    /// <summary>Reads a network written by <see cref="Write"/> (bit-identical weights).</summary>
    public static VanillaAutoencoder Read(BinaryReader reader)
    {
        int d = NetworkRuntime.ReadHeader(reader, FileMagic, FileVersion, "Vanilla AE");
        var options = new VanillaAutoencoderOptions
        {
            Hidden = reader.ReadInt32(),
            Steps = reader.ReadInt32(),
            BatchSize = reader.ReadInt32(),
            LabelledPerBatch = reader.ReadInt32(),
            LearningRate = reader.ReadSingle(),
            LabelWeight = reader.ReadSingle(),
            Seed = reader.ReadInt64(),
        };
        if (options.Hidden is < 1 or > 65_536) throw new InvalidDataException($"Vanilla AE weights: hidden width {options.Hidden} is out of range.");
        var net = new VanillaAutoencoder(d, options);
        net.Net.Parameters.Load(reader);
        return net;
    }
}
