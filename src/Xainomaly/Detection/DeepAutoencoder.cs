using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>
/// The paper's DeepAE baseline (SPEC §2, Table V): a deep symmetric autoencoder of about 30.5k trainable parameters
/// for d = 20 (≈ 4× SS-DeepCAE), ReLU hidden layers, linear bottleneck z and linear output, and a head z → 1 logit,
/// trained semi-supervised like SS-DeepCAE without the Jacobian term:
/// L = 1/N Σᵢ [‖xᵢ − x̂ᵢ‖² + αᵢ·BCE(yᵢ, σ(head(zᵢ)))].
/// </summary>
public sealed class DeepAutoencoder : AutoencoderScorer
{
    /// <summary>The kind name in model files and on the command line.</summary>
    public const string KindName = "deepae";

    private const int FileMagic = 0x45414458; // "XDAE"
    private const int FileVersion = 1;

    /// <summary>Creates an untrained network for rows of <paramref name="inputWidth"/> features.</summary>
    public DeepAutoencoder(int inputWidth, DeepAutoencoderOptions? options = null)
        : base(Build(inputWidth, options ?? new DeepAutoencoderOptions()))
    {
        Options = options ?? new DeepAutoencoderOptions();
    }

    private static SemiSupervisedAutoencoder Build(int inputWidth, DeepAutoencoderOptions options)
    {
        var net = new SemiSupervisedAutoencoder(inputWidth, [.. options.EncoderWidths], latentRelu: false, options.Seed);
        net.Core.MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism);
        return net;
    }

    /// <summary>The settings it was built and trained with.</summary>
    public DeepAutoencoderOptions Options { get; }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>Trains a network on a fit request (settings from <see cref="NetworkFitRequest.Settings"/>, seed from its context).</summary>
    public static DeepAutoencoder Fit(NetworkFitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = DeepAutoencoderOptions.From(request.Settings, request.Context.Seed);
        var net = new DeepAutoencoder(request.Data.Width, options);
        net.Net.Train(request, options.Training, options.Seed);
        return net;
    }

    /// <summary>The hyper-parameters a trainer with <paramref name="settings"/> uses, for the model file.</summary>
    public static JsonObject Hyperparameters(TrainerSettings settings)
    {
        var t = AutoencoderTraining.From(settings);
        return new JsonObject
        {
            ["architecture"] = "d → 128 → 64 → 48 → 24 (z, linear) → 48 → 64 → 128 → d (linear), ReLU hidden, head 24 → 1",
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
        NetworkRuntime.WriteInts(writer, [.. Options.EncoderWidths]);
        writer.Write(Options.Steps);
        writer.Write(Options.BatchSize);
        writer.Write(Options.LabelledPerBatch);
        writer.Write(Options.LearningRate);
        writer.Write(Options.LabelWeight);
        writer.Write(Options.Seed);
        Net.Parameters.Save(writer);
    }

    /// <summary>Reads a network written by <see cref="Write"/> (bit-identical weights).</summary>
    public static DeepAutoencoder Read(BinaryReader reader)
    {
        int d = NetworkRuntime.ReadHeader(reader, FileMagic, FileVersion, "DeepAE");
        var options = new DeepAutoencoderOptions
        {
            EncoderWidths = NetworkRuntime.ReadInts(reader, "DeepAE weights"),
            Steps = reader.ReadInt32(),
            BatchSize = reader.ReadInt32(),
            LabelledPerBatch = reader.ReadInt32(),
            LearningRate = reader.ReadSingle(),
            LabelWeight = reader.ReadSingle(),
            Seed = reader.ReadInt64(),
        };
        var net = new DeepAutoencoder(d, options);
        net.Net.Parameters.Load(reader);
        return net;
    }
}
