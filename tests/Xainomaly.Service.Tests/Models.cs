using System.Globalization;
using System.Text;
using System.Text.Json;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;
using Xainomaly.Service.Pipeline;
using Xainomaly.Simulation;

namespace Xainomaly.Service.Tests;

/// <summary>Small models and data shared by the tests: simulated UE traffic, a tiny trained SS-DeepCAE, a rule detector.</summary>
public sealed class Models
{
    private static readonly Lazy<Models> Instance = new(() => new Models());

    private Models()
    {
        Table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 6, Seconds = 20, Seed = 3 });
        var result = DetectionExperiment.Run(Table, DetectorTrainers.Create("ss-deepcae", new TrainerSettings { Steps = 150 }), new ExperimentOptions { LabelBudget = 60, Seed = 3 });
        Trained = result.Model;
        var dir = TestEnv.TempDir();
        TrainedPath = Path.Combine(dir, "tiny.xai");
        Trained.Save(TrainedPath);
        var scores = Trained.Score(Table).Scores;
        var anomalous = new List<int>();
        var normal = new List<int>();
        for (int i = 0; i < scores.Length; i++) (scores[i] > Trained.Detector.Threshold ? anomalous : normal).Add(i);
        AnomalousRows = [.. anomalous];
        NormalRows = [.. normal];
        var inputs = Trained.Inputs(Table, out _);
        Explainer = ExplainerModel.Fit(Trained, inputs, Table.RowCount, new FastShapOptions { MaxEpochs = 3, HiddenWidth = 32, KMeans = 8, Seed = 3 });
        ExplainerPath = Path.Combine(dir, "tiny.fastshap");
        Explainer.Save(ExplainerPath);
        var preprocessor = Preprocessor.Fit(Table);
        Rule = new DetectorModel(preprocessor, new ThroughputRuleDetector(preprocessor), new ModelInfo { Kind = ThroughputRuleDetector.KindName });
    }

    /// <summary>The shared instance (trained once per test run).</summary>
    public static Models Shared => Instance.Value;

    /// <summary>Simulated UE records (with labels).</summary>
    public KpiTable Table { get; }

    /// <summary>A tiny SS-DeepCAE trained on <see cref="Table"/>.</summary>
    public DetectorModel Trained { get; }

    /// <summary>Its model file.</summary>
    public string TrainedPath { get; }

    /// <summary>A small FastSHAP explainer fitted for <see cref="Trained"/>.</summary>
    public ExplainerModel Explainer { get; }

    /// <summary>Its explainer file.</summary>
    public string ExplainerPath { get; }

    /// <summary>Rows the trained model flags.</summary>
    public int[] AnomalousRows { get; }

    /// <summary>Rows it does not flag.</summary>
    public int[] NormalRows { get; }

    /// <summary>A detector whose decisions tests control: anomalous exactly when throughput is near the bottom of its range.</summary>
    public DetectorModel Rule { get; }

    /// <summary>Row <paramref name="row"/> of <see cref="Table"/> as a flat JSON row with the CSV column names.</summary>
    public string FlatRow(int row, Action<Dictionary<string, object>>? edit = null)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var c in Table.Columns)
        {
            if (c.Role is ColumnRole.Label or ColumnRole.Ignored) continue;
            d[c.Name] = c.IsNumeric ? c.Numbers![row] : c.Texts![row];
        }
        edit?.Invoke(d);
        return JsonSerializer.Serialize(d);
    }

    /// <summary>Rows as one UE report object (<c>{"ueMeasReport":…}</c>) of the wire format; the rows must share a timestamp.</summary>
    public string UeReport(string duId, string timestamp, params int[] rows)
    {
        var list = new List<object>();
        foreach (int r in rows)
        {
            var neighbours = new List<object>();
            for (int i = 0; i < UeSchema.NeighbourCount; i++)
            {
                neighbours.Add(new Dictionary<string, object>
                {
                    ["nbCellIdentity"] = Table[$"nbCellIdentity_{i}"].Texts![r],
                    ["nbCellRfReport"] = new Dictionary<string, double>
                    {
                        ["rsrp"] = Table[$"rsrp_nb{i}"].Numbers![r],
                        ["rsrq"] = Table[$"rsrq_nb{i}"].Numbers![r],
                        ["rssinr"] = Table[$"rssinr_nb{i}"].Numbers![r],
                    },
                });
            }
            list.Add(new Dictionary<string, object>
            {
                ["ue-id"] = Table["ue-id"].Texts![r],
                ["nrCellIdentity"] = Table["nrCellIdentity"].Texts![r],
                ["targetTput"] = Table["targetTput"].Numbers![r],
                ["servingCellRfReport"] = new Dictionary<string, double>
                {
                    ["rsrp"] = Table["rsrp"].Numbers![r],
                    ["rsrq"] = Table["rsrq"].Numbers![r],
                    ["rssinr"] = Table["rssinr"].Numbers![r],
                },
                ["neighbourCellList"] = neighbours,
                ["throughput"] = Table["throughput"].Numbers![r],
                ["prb_usage"] = Table["prb_usage"].Numbers![r],
                ["x"] = Table["x"].Numbers![r],
                ["y"] = Table["y"].Numbers![r],
            });
        }
        var report = new Dictionary<string, object>
        {
            ["ueMeasReport"] = new Dictionary<string, object>
            {
                ["du-id"] = int.Parse(duId, CultureInfo.InvariantCulture),
                ["measTimeStampRf"] = timestamp,
                ["ueMeasReportList"] = list,
            },
        };
        return JsonSerializer.Serialize(report);
    }

    /// <summary>Several JSON values as one JSON array body.</summary>
    public static string Array(IEnumerable<string> items)
    {
        var sb = new StringBuilder("[");
        foreach (var i in items)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(i);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Scores higher the lower the (min–max scaled) throughput: anomalous below 10 % of its training range.</summary>
    private sealed class ThroughputRuleDetector(Preprocessor preprocessor) : IAnomalyDetector
    {
        public const string KindName = "test-throughput-rule";
        private readonly int _feature = preprocessor.FeatureIndex("throughput");

        public string Kind => KindName;

        public int InputWidth { get; } = preprocessor.InputWidth;

        public double Threshold => 0.9;

        public string ScoreDescription => "1 − scaled throughput";

        public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores)
        {
            for (int i = 0; i < count; i++) scores[i] = 1 - rows[(i * InputWidth) + _feature];
        }

        public void Write(BinaryWriter writer) => throw new NotSupportedException("The test rule detector is never saved.");
    }
}

/// <summary>
/// An explainer double with known answers: φ_i = w_i (x_i − ½) for fixed weights, base ½, and CS/EM/gap from the
/// row itself, so tests can check that the pipeline picks, names and stores the top features correctly.
/// </summary>
public sealed class LinearExplainerDouble(int width) : IRecordExplainer
{
    public string Method => "linear-double";

    public int InputWidth => width;

    public int Calls { get; private set; }

    public static double Weight(int i) => 1.0 + i;

    public IReadOnlyList<RecordExplanation> Explain(ReadOnlySpan<float> rows, int count)
    {
        Calls++;
        var list = new RecordExplanation[count];
        for (int r = 0; r < count; r++)
        {
            var phi = new double[width];
            double sum = 0;
            for (int i = 0; i < width; i++)
            {
                phi[i] = Weight(i) * (rows[(r * width) + i] - 0.5);
                sum += phi[i];
            }
            list[r] = new RecordExplanation(phi, 0.5, ConfidenceScore: Math.Abs(sum) / 100, ErrorMetric: sum * sum / 1e4, EfficiencyGap: 0);
        }
        return list;
    }
}
