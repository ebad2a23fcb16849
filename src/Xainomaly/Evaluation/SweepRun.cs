using System.Text.Json.Nodes;

namespace Xainomaly.Evaluation;

/// <summary>The stored outcome of one run of a sweep (one model, label budget and seed): enough to resume and to aggregate.</summary>
/// <param name="Model">Detector kind.</param>
/// <param name="Budget">Label budget ("100" … or "all").</param>
/// <param name="Seed">Seed of the budget draw and training.</param>
/// <param name="Metrics">Test metrics.</param>
/// <param name="Score">Which score produced the numbers.</param>
/// <param name="Seconds">Training time.</param>
/// <param name="ConfigHash">Hash of the sweep's settings; a stored run with another hash is not reused.</param>
public sealed record SweepRun(string Model, string Budget, long Seed, BinaryMetrics Metrics, string Score, double Seconds, string ConfigHash)
{
    /// <summary>As JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["model"] = Model,
        ["budget"] = Budget,
        ["seed"] = Seed,
        ["score"] = Score,
        ["seconds"] = Seconds,
        ["configHash"] = ConfigHash,
        ["tn"] = Metrics.Confusion.TrueNegatives,
        ["fp"] = Metrics.Confusion.FalsePositives,
        ["fn"] = Metrics.Confusion.FalseNegatives,
        ["tp"] = Metrics.Confusion.TruePositives,
        ["threshold"] = Metrics.Threshold,
        ["rocAuc"] = Metrics.RocAuc,
        ["averagePrecision"] = Metrics.AveragePrecision,
        ["uar"] = Metrics.UnweightedAverageRecall,
        ["accuracy"] = Metrics.Accuracy,
        ["precision"] = Metrics.Precision,
        ["recall"] = Metrics.Recall,
        ["f1"] = Metrics.F1,
    };

    /// <summary>From the JSON written by <see cref="ToJson"/>; null when it is not a complete run.</summary>
    public static SweepRun? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) return null;
        try
        {
            var cm = new ConfusionMatrix((long)o["tn"]!, (long)o["fp"]!, (long)o["fn"]!, (long)o["tp"]!);
            var m = new BinaryMetrics(cm, (double?)o["threshold"], (double?)o["rocAuc"], (double?)o["averagePrecision"]);
            return new SweepRun((string)o["model"]!, (string)o["budget"]!, (long)o["seed"]!, m, (string)o["score"]!, (double)o["seconds"]!, (string)o["configHash"]!);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            return null;
        }
    }
}
