using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Persistence;

namespace Xainomaly.Detection;

/// <summary>
/// A deployable model: the fitted preprocessor, the detector and what is known about how it was made. It scores raw
/// rows (a <see cref="KpiTable"/> from CSV or UE report JSON) with no other input, and lives in one model file.
/// </summary>
public sealed class DetectorModel
{
    private const string HeaderSection = "header.json";
    private const string PreprocessorSection = "preprocessor";
    private const string DetectorSection = "detector";

    /// <summary>Assembles a model; the detector's width must match the preprocessor's.</summary>
    public DetectorModel(Preprocessor preprocessor, IAnomalyDetector detector, ModelInfo info)
    {
        int window = WindowLengthOf(detector);
        if (preprocessor.InputWidth * window != detector.InputWidth)
            throw new ArgumentException($"The preprocessor makes {preprocessor.InputWidth} features (× {window} records per window) but the detector takes {detector.InputWidth}.");
        Preprocessor = preprocessor;
        Detector = detector;
        Info = info;
    }

    /// <summary>The fitted transform from raw rows to the detector's inputs.</summary>
    public Preprocessor Preprocessor { get; }

    /// <summary>The detector.</summary>
    public IAnomalyDetector Detector { get; }

    /// <summary>Kind, hyper-parameters, provenance and validation figures.</summary>
    public ModelInfo Info { get; }

    /// <summary>Preprocesses and scores every row of <paramref name="table"/>.</summary>
    public ModelScores Score(KpiTable table) => Score(table, null);

    /// <summary>
    /// Preprocesses <paramref name="table"/> and scores the records <paramref name="rows"/> (all when null). A detector
    /// over windows of consecutive records takes each record's predecessors from the whole table.
    /// </summary>
    public ModelScores Score(KpiTable table, int[]? rows)
    {
        var x = Inputs(table, out var report, rows);
        int count = rows?.Length ?? table.RowCount;
        var scores = new float[count];
        Detector.Score(x, count, scores);
        var predictions = new int[scores.Length];
        for (int i = 0; i < scores.Length; i++) predictions[i] = scores[i] > Detector.Threshold ? 1 : 0;
        return new ModelScores(scores, predictions, Detector.Threshold, report);
    }

    /// <summary>Records per window the detector scores (1 for per-record detectors).</summary>
    public int WindowLength => WindowLengthOf(Detector);

    /// <summary>
    /// The detector's input rows for <paramref name="table"/>: the preprocessed records, or for a detector over windows
    /// (<see cref="IWindowedInput"/>) the windows of each record and its predecessors of the same UE, built from the
    /// table's <c>ue-id</c> and <c>measTimeStampRf</c> columns (a <see cref="DataFormatException"/> when missing).
    /// With <paramref name="rows"/>, only those records' rows are returned.
    /// </summary>
    public float[] Inputs(KpiTable table, out TransformReport report, int[]? rows = null)
    {
        var x = Preprocessor.Transform(table, out report);
        int window = WindowLength;
        if (window > 1) return SequenceWindows.Build(table, x, Preprocessor.InputWidth, window, rows);
        if (rows is null) return x;
        int d = Preprocessor.InputWidth;
        var selected = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++) x.AsSpan(rows[i] * d, d).CopyTo(selected.AsSpan(i * d, d));
        return selected;
    }

    /// <summary>
    /// Names of the detector's input features: the preprocessor's, or for windows the lagged names
    /// (<c>rsrp[t-3]</c>, …, <c>rsrp[t]</c>) in row order, for explanations and attack reports.
    /// </summary>
    public IReadOnlyList<string> InputFeatureNames =>
        WindowLength > 1 ? SequenceWindows.FeatureNames(Preprocessor.FeatureNames, WindowLength) : Preprocessor.FeatureNames;

    private static int WindowLengthOf(IAnomalyDetector detector) => detector is IWindowedInput w ? w.WindowLength : 1;

    /// <summary>Writes the model file (atomically).</summary>
    public void Save(string path) => ModelFile.Save(path, Sections());

    /// <summary>The model file's bytes.</summary>
    public byte[] ToBytes() => ModelFile.ToBytes(Sections());

    /// <summary>Reads a model file; a foreign, truncated, corrupted or unknown-kind file is an <see cref="InvalidDataException"/>.</summary>
    public static DetectorModel Load(string path) => FromSections(ModelFile.Load(path), path);

    /// <summary>Reads a model from its file bytes.</summary>
    public static DetectorModel FromBytes(byte[] bytes, string sourceName) => FromSections(ModelFile.FromBytes(bytes, sourceName), sourceName);

    private Dictionary<string, byte[]> Sections()
    {
        var header = Info.ToJson();
        header["threshold"] = Detector.Threshold;
        header["score"] = Detector.ScoreDescription;
        header["features"] = new JsonArray([.. Preprocessor.FeatureNames.Select(f => (JsonNode)f!)]);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [HeaderSection] = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = true })),
            [PreprocessorSection] = Serialize(Preprocessor.Write),
            [DetectorSection] = Serialize(Detector.Write),
        };
    }

    private static byte[] Serialize(Action<BinaryWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
        return ms.ToArray();
    }

    private static DetectorModel FromSections(IReadOnlyDictionary<string, byte[]> sections, string source)
    {
        foreach (var s in new[] { HeaderSection, PreprocessorSection, DetectorSection })
            if (!sections.ContainsKey(s)) throw new InvalidDataException($"{source}: the model file has no '{s}' section.");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(sections[HeaderSection]) as JsonObject ?? throw new InvalidDataException($"{source}: the model header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the model header is not valid JSON ({e.Message}).", e);
        }
        var info = ModelInfo.FromJson(header, source);
        Preprocessor preprocessor;
        using (var r = new BinaryReader(new MemoryStream(sections[PreprocessorSection]), Encoding.UTF8))
        {
            try
            {
                preprocessor = Preprocessor.Read(r);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"{source}: the preprocessor section is truncated.", e);
            }
        }
        IAnomalyDetector detector;
        using (var r = new BinaryReader(new MemoryStream(sections[DetectorSection]), Encoding.UTF8))
            detector = DetectorCatalog.Read(info.Kind, r, source);
        return new DetectorModel(preprocessor, detector, info);
    }
}
