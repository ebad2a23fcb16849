using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Detection;
using Xainomaly.Persistence;

namespace Xainomaly.Explanation;

/// <summary>
/// A FastSHAP explainer bound to the detector model it was fitted for, in its own model file (kind <c>fastshap</c>):
/// a JSON header (detector fingerprint, explained output, feature names, options, loss history) and the explainer
/// (background rows and weights, network weights). Loading it beside a different detector model is refused.
/// </summary>
public sealed class ExplainerModel
{
    /// <summary>The header's <c>kind</c> of an explainer file.</summary>
    public const string Kind = "fastshap";

    private const string HeaderSection = "explainer.json";
    private const string ExplainerSection = "fastshap";

    private ExplainerModel(FastShapExplainer explainer, string modelFingerprint, TimeSpan fitTime)
    {
        Explainer = explainer;
        ModelFingerprint = modelFingerprint;
        FitTime = fitTime;
    }

    /// <summary>The explainer.</summary>
    public FastShapExplainer Explainer { get; }

    /// <summary>SHA-256 (hex) of the detector model file the explainer was fitted for.</summary>
    public string ModelFingerprint { get; }

    /// <summary>The explained output.</summary>
    public FastShapOutput Output => Explainer.Options.Output;

    /// <summary>Wall time of the fit (zero for a loaded explainer whose header has none).</summary>
    public TimeSpan FitTime { get; }

    /// <summary>The detector model's fingerprint: SHA-256 (lower-case hex) of its model file bytes.</summary>
    public static string Fingerprint(DetectorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Convert.ToHexStringLower(SHA256.HashData(model.ToBytes()));
    }

    /// <summary>The explained output f of <paramref name="model"/> for <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A probability is asked of a detector that has none.</exception>
    public static IModelFunction ModelFunctionFor(DetectorModel model, FastShapOutput output)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (output == FastShapOutput.Score) return ModelFunction.FromDetector(model.Detector);
        if (model.Detector is SemiSupervisedDetector ss) return ModelFunction.FromHeadProbability(ss);
        throw new ArgumentException($"The {model.Info.Kind} detector has no anomaly probability (no classification head); explain the anomaly score (--output score) instead.");
    }

    /// <summary>
    /// Fits an explainer for <paramref name="model"/> on <paramref name="count"/> rows of the model's inputs; the background
    /// is the k-means summary (<see cref="FastShapOptions.KMeans"/>) or a seeded sample of these rows.
    /// </summary>
    public static ExplainerModel Fit(DetectorModel model, ReadOnlySpan<float> inputs, int count, FastShapOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var f = ModelFunctionFor(model, options.Output);
        int d = model.Detector.InputWidth;
        if (count < 1 || inputs.Length < (long)count * d)
            throw new ArgumentException($"No rows to fit the explainer on ({count} rows of {d} features given); expected training rows of the model's inputs.");
        var rows = inputs[..(count * d)];
        var background = options.KMeans > 0
            ? BackgroundSet.KMeans(rows, d, options.KMeans, options.Seed)
            : BackgroundSet.Sample(rows, d, options.BackgroundSize, options.Seed);
        var explainer = FastShapExplainer.Fit(f, background, model.InputFeatureNames, rows, count, options, progress, ct);
        return new ExplainerModel(explainer, Fingerprint(model), clock.Elapsed);
    }

    /// <summary>Writes the explainer file (atomically).</summary>
    public void Save(string path) => ModelFile.Save(path, Sections(includeTime: true));

    /// <summary>The explainer file's bytes without the wall-clock fit time, so equal training gives equal bytes.</summary>
    public byte[] ToBytes() => ModelFile.ToBytes(Sections(includeTime: false));

    /// <summary>
    /// Reads an explainer file and binds it to <paramref name="model"/>. A file that is not an explainer, or one fitted for
    /// another detector model, is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static ExplainerModel Load(string path, DetectorModel model) => FromSections(ModelFile.Load(path), path, model);

    /// <summary>Reads an explainer from its file bytes.</summary>
    public static ExplainerModel FromBytes(byte[] bytes, string sourceName, DetectorModel model) => FromSections(ModelFile.FromBytes(bytes, sourceName), sourceName, model);

    private Dictionary<string, byte[]> Sections(bool includeTime)
    {
        var o = Explainer.Options;
        var header = new JsonObject
        {
            ["kind"] = Kind,
            ["modelFingerprint"] = ModelFingerprint,
            ["output"] = Output == FastShapOutput.Score ? "score" : "probability",
            ["features"] = new JsonArray([.. Explainer.FeatureNames.Select(n => (JsonNode)n!)]),
            ["background"] = Explainer.Background.Count,
            ["options"] = new JsonObject
            {
                ["hiddenLayers"] = o.HiddenLayers,
                ["hiddenWidth"] = o.HiddenWidth,
                ["learningRate"] = o.LearningRate,
                ["batchSize"] = o.BatchSize,
                ["coalitionSamples"] = o.CoalitionSamples,
                ["maxEpochs"] = o.MaxEpochs,
                ["patience"] = o.Patience,
                ["validationShare"] = o.ValidationShare,
                ["backgroundSize"] = o.BackgroundSize,
                ["kmeans"] = o.KMeans,
                ["seed"] = o.Seed,
            },
            ["bestEpoch"] = Explainer.BestEpoch,
            ["lossHistory"] = new JsonArray([.. Explainer.LossHistory.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch,
                ["train"] = e.TrainLoss,
                ["validation"] = double.IsNaN(e.ValidationLoss) ? null : e.ValidationLoss,
            })]),
        };
        if (includeTime) header["fitSeconds"] = Math.Round(FitTime.TotalSeconds, 3);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) Explainer.Save(w);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [HeaderSection] = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            [ExplainerSection] = ms.ToArray(),
        };
    }

    private static ExplainerModel FromSections(IReadOnlyDictionary<string, byte[]> sections, string source, DetectorModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!sections.TryGetValue(HeaderSection, out var headerBytes) || !sections.TryGetValue(ExplainerSection, out var body))
        {
            string what = sections.ContainsKey("header.json") ? "a detector model" : "not an explainer";
            throw new InvalidDataException($"{source}: {what}, not a FastSHAP explainer file; write one with 'xainomaly fit-explainer'.");
        }
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes) as JsonObject ?? throw new InvalidDataException($"{source}: the explainer header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the explainer header is not valid JSON ({e.Message}).", e);
        }
        var kind = header["kind"]?.GetValue<string>();
        if (kind != Kind) throw new InvalidDataException($"{source}: explainer kind '{kind}'; expected '{Kind}'.");
        var fingerprint = header["modelFingerprint"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: the explainer header has no model fingerprint.");
        var expected = Fingerprint(model);
        if (!string.Equals(fingerprint, expected, StringComparison.Ordinal))
            throw new InvalidDataException($"{source}: the explainer was fitted for another detector model (fingerprint {fingerprint[..Math.Min(12, fingerprint.Length)]}…, this model is {expected[..12]}…); run 'xainomaly fit-explainer' for this model.");
        var outputText = header["output"]?.GetValue<string>();
        var output = outputText switch
        {
            "score" => FastShapOutput.Score,
            "probability" => FastShapOutput.Probability,
            _ => throw new InvalidDataException($"{source}: explainer output '{outputText}'; expected 'score' or 'probability'."),
        };
        var f = ModelFunctionFor(model, output);
        FastShapExplainer explainer;
        using (var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8))
        {
            try
            {
                explainer = FastShapExplainer.Read(r, f);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: {e.Message}", e);
            }
        }
        double seconds = header["fitSeconds"] is JsonValue t && t.TryGetValue(out double s) ? s : 0;
        return new ExplainerModel(explainer, fingerprint, TimeSpan.FromSeconds(seconds));
    }
}
