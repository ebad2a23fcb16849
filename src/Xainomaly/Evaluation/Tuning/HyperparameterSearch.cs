using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Evaluation.Tuning;

/// <summary>
/// Grid or random hyper-parameter search with honest cross-validation inside the training pool: the budget's K labelled
/// rows are split into k stratified folds; each fold trains on the other folds' labels and on every pool row except
/// the fold's own (so the scored rows are unseen even unlabelled), chooses τ and the score mix from its training labels
/// only, and is scored on the fold's labelled rows alone. No label outside the budget exists in the data it gets.
/// </summary>
public static class HyperparameterSearch
{
    /// <summary>
    /// Cross-validates every configuration (fold trainings in parallel, each single-threaded) and ranks them by the
    /// objective's mean over folds. Finished configurations are cached in <see cref="HyperparameterSearchOptions.CacheDirectory"/>
    /// under a key of configuration, kind, base settings, data key, folds, seed and step cap, and reused.
    /// </summary>
    public static TuningResult Run(TrainingData data, IReadOnlyList<TuningConfiguration> configurations, HyperparameterSearchOptions options, IProgress<TuningProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(configurations);
        ArgumentNullException.ThrowIfNull(options);
        data.Validate();
        if (configurations.Count == 0) throw new ArgumentException("The search has no configuration to try.", nameof(configurations));
        if (options.Folds < 2) throw new ArgumentException($"--folds must be at least 2 (got {options.Folds}).", "--folds");
        var folds = Folds(data, options.Folds, options.Seed);
        var clock = Stopwatch.StartNew();
        int k = options.Folds, total = configurations.Count * k;
        var trials = new TuningTrial?[configurations.Count];
        var pending = new List<int>();
        int done = 0;
        TuningConfiguration? best = null;
        double bestMean = double.NegativeInfinity;
        var gate = new object();

        void Finished(int c, TuningTrial trial, int runs)
        {
            lock (gate)
            {
                trials[c] = trial;
                done += runs;
                double m = trial.Mean(options.Objective);
                if (m > bestMean) (best, bestMean) = (trial.Configuration, m);
                progress?.Report(new TuningProgress(done, total, best, bestMean));
            }
        }

        for (int c = 0; c < configurations.Count; c++)
        {
            if (TryLoad(configurations[c], options, out var cached)) Finished(c, cached!, k);
            else pending.Add(c);
        }

        // Work units are (configuration, fold) pairs so both cores stay busy to the end; a configuration is complete
        // (and cached) when its last fold finishes.
        var foldResults = new FoldResult?[configurations.Count, k];
        var remaining = new int[configurations.Count];
        foreach (var c in pending) remaining[c] = k;
        var units = new List<(int Config, int Fold)>();
        foreach (var c in pending) for (int f = 0; f < k; f++) units.Add((c, f));
        var po = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellation };
        Parallel.ForEach(units, po, unit =>
        {
            var (c, f) = unit;
            var r = RunFold(data, folds[f], configurations[c], options, f, cancellation);
            bool last;
            lock (gate)
            {
                foldResults[c, f] = r;
                last = --remaining[c] == 0;
                if (!last)
                {
                    done++;
                    progress?.Report(new TuningProgress(done, total, best, bestMean));
                }
            }
            if (last)
            {
                var parts = new FoldResult[k];
                for (int i = 0; i < k; i++) parts[i] = foldResults[c, i]!;
                var trial = Assemble(configurations[c], parts, options.KeepReconstructionErrors);
                Save(trial, options);
                Finished(c, trial, 1);
            }
        });

        var ranked = Enumerable.Range(0, configurations.Count)
            .OrderByDescending(i => Sortable(trials[i]!.Mean(options.Objective)))
            .ThenBy(i => i)
            .Select(i => trials[i]!)
            .ToList();
        return new TuningResult(ranked, options.Objective, k, data.LabelledRows().Length, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The stratified folds of the budget's labelled rows (indices into <paramref name="data"/>): disjoint, covering
    /// every labelled row, each class dealt evenly. Every class needs at least <paramref name="k"/> labels.
    /// </summary>
    public static CrossValidationFold[] Folds(TrainingData data, int k, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labelled = data.LabelledRows();
        int positives = 0;
        foreach (var r in labelled) positives += data.Labels[r];
        int negatives = labelled.Length - positives;
        if (positives < k || negatives < k)
            throw new ArgumentException($"{k}-fold cross-validation needs at least {k} labels of each class in the budget; it has {positives} anomalous and {negatives} normal. Use more labels or fewer --folds.", "--folds");
        return DataSplits.StratifiedKFold(labelled, data.Labels, k, seed ^ 0x7E57);
    }

    private static double Sortable(double v) => double.IsNaN(v) ? double.NegativeInfinity : v;

    private sealed record FoldResult(double Uar, double F1, double Precision, double RocAuc, double Seconds, float[]? Re, int[]? Labels);

    private static FoldResult RunFold(TrainingData data, CrossValidationFold fold, TuningConfiguration configuration, HyperparameterSearchOptions options, int f, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var held = fold.Validation;
        var isHeld = new HashSet<int>(held);
        var trainRows = new List<int>(data.Count - held.Length);
        for (int i = 0; i < data.Count; i++) if (!isHeld.Contains(i)) trainRows.Add(i);
        var train = data.Select(trainRows.ToArray());
        var settings = configuration.ToSettings(options.BaseSettings, options.MaxSteps);
        var trainer = DetectorTrainers.Create(options.Kind, settings);
        var context = new TrainingContext(options.Seed + (7919L * (f + 1)), null, cancellation);
        var detector = trainer.Fit(train, context);

        var test = data.Select(held);
        var scores = new float[held.Length];
        detector.Score(test.X, test.Count, scores);
        var m = BinaryMetrics.Compute(test.Labels, scores, detector.Threshold);
        float[]? re = null;
        int[]? labels = null;
        if (options.KeepReconstructionErrors && detector is SemiSupervisedDetector { Network: { HasReconstruction: true } net })
        {
            re = new float[held.Length];
            net.ScoreComponents(test.X, test.Count, re, new float[held.Length], new float[held.Length]);
            labels = test.Labels;
        }
        return new FoldResult(m.UnweightedAverageRecall, m.F1, m.Precision, m.RocAuc ?? double.NaN, clock.Elapsed.TotalSeconds, re, labels);
    }

    private static TuningTrial Assemble(TuningConfiguration configuration, FoldResult[] parts, bool keep)
    {
        float[]? re = null;
        int[]? labels = null;
        if (keep && parts.All(p => p.Re is not null))
        {
            re = [.. parts.SelectMany(p => p.Re!)];
            labels = [.. parts.SelectMany(p => p.Labels!)];
        }
        return new TuningTrial(configuration,
            [.. parts.Select(p => p.Uar)], [.. parts.Select(p => p.F1)], [.. parts.Select(p => p.Precision)], [.. parts.Select(p => p.RocAuc)],
            parts.Sum(p => p.Seconds), false, re, labels);
    }

    /// <summary>The cache key of <paramref name="configuration"/> under <paramref name="options"/> (hex SHA-256).</summary>
    public static string CacheKey(TuningConfiguration configuration, HyperparameterSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var text = $"v1|{options.Kind}|{configuration.Key}|{JsonSerializer.Serialize(options.BaseSettings)}|{options.DataKey}|folds={options.Folds}|seed={options.Seed}|max={options.MaxSteps}|re={options.KeepReconstructionErrors}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24].ToLowerInvariant();
    }

    private static string? CachePath(TuningConfiguration c, HyperparameterSearchOptions o) =>
        o.CacheDirectory is { } dir ? Path.Combine(dir, CacheKey(c, o) + ".json") : null;

    private static void Save(TuningTrial t, HyperparameterSearchOptions options)
    {
        if (CachePath(t.Configuration, options) is not { } path) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var o = new JsonObject
        {
            ["configuration"] = t.Configuration.Key,
            ["uar"] = Array(t.Uar),
            ["f1"] = Array(t.F1),
            ["precision"] = Array(t.Precision),
            ["rocAuc"] = Array(t.RocAuc),
            ["seconds"] = t.Seconds,
        };
        if (t.ReconstructionErrors is { } re)
        {
            o["re"] = new JsonArray([.. re.Select(v => (JsonNode)v)]);
            o["labels"] = new JsonArray([.. t.ReconstructionLabels!.Select(v => (JsonNode)v)]);
        }
        // Written aside and moved, so a run stopped mid-write leaves no half file to resume from.
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, o.ToJsonString());
        File.Move(tmp, path, overwrite: true);
    }

    private static JsonArray Array(double[] v) => new([.. v.Select(x => (JsonNode)(double.IsNaN(x) ? "NaN" : x))]);

    private static bool TryLoad(TuningConfiguration c, HyperparameterSearchOptions options, out TuningTrial? trial)
    {
        trial = null;
        if (CachePath(c, options) is not { } path || !File.Exists(path)) return false;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject o || (string?)o["configuration"] != c.Key) return false;
            double[] Read(string key) => [.. ((JsonArray)o[key]!).Select(n => n!.GetValueKind() == JsonValueKind.String ? double.NaN : (double)n)];
            float[]? re = o["re"] is JsonArray r ? [.. r.Select(n => (float)n!)] : null;
            int[]? labels = o["labels"] is JsonArray l ? [.. l.Select(n => (int)n!)] : null;
            var uar = Read("uar");
            if (uar.Length != options.Folds) return false;
            trial = new TuningTrial(c, uar, Read("f1"), Read("precision"), Read("rocAuc"), (double)o["seconds"]!, true, re, labels);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or InvalidCastException)
        {
            return false; // a damaged cache entry is recomputed
        }
    }
}
