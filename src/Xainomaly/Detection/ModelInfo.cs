using System.Text.Json.Nodes;

namespace Xainomaly.Detection;

/// <summary>
/// What a model file says about its model besides the weights: kind, hyper-parameters, how it was trained
/// (data hash, seed, label budget) and how it did on validation. Stored as JSON in the file's header section.
/// No wall-clock time is stored, so the same seed and data give a byte-identical file.
/// </summary>
public sealed record ModelInfo
{
    /// <summary>Detector kind (e.g. <c>ss-deepcae</c>).</summary>
    public required string Kind { get; init; }

    /// <summary>Hyper-parameters as given (name → value).</summary>
    public JsonObject Hyperparameters { get; init; } = [];

    /// <summary>Training provenance: data source and SHA-256, seed, label budget, row counts.</summary>
    public JsonObject Training { get; init; } = [];

    /// <summary>Metrics on the validation rows the training procedure was allowed to see.</summary>
    public JsonObject Validation { get; init; } = [];

    /// <summary>The product version that wrote the model.</summary>
    public string ProductVersion { get; init; } = typeof(ModelInfo).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>As JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind,
        ["productVersion"] = ProductVersion,
        ["hyperparameters"] = Hyperparameters.DeepClone(),
        ["training"] = Training.DeepClone(),
        ["validation"] = Validation.DeepClone(),
    };

    /// <summary>From the JSON written by <see cref="ToJson"/>.</summary>
    public static ModelInfo FromJson(JsonObject json, string source)
    {
        var kind = json["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: the model header has no 'kind'.");
        return new ModelInfo
        {
            Kind = kind,
            ProductVersion = json["productVersion"]?.GetValue<string>() ?? "0",
            Hyperparameters = json["hyperparameters"] as JsonObject ?? [],
            Training = json["training"] as JsonObject ?? [],
            Validation = json["validation"] as JsonObject ?? [],
        };
    }
}
