using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Evaluation;

/// <summary>
/// The label-budget table (the XAInomaly paper's Table V): every model × label budget × seed under the detection
/// protocol, runs spread over the cores, each finished run stored as one JSON file so an interrupted sweep resumes.
/// </summary>
public sealed class LabelBudgetSweep
{
    /// <summary>Settings of a sweep.</summary>
    public sealed record Options
    {
        /// <summary>Detector kinds.</summary>
        public required IReadOnlyList<string> Models { get; init; }

        /// <summary>Budgets: numbers or null for "all".</summary>
        public required IReadOnlyList<int?> Budgets { get; init; }

        /// <summary>Seeds (one run per seed).</summary>
        public required IReadOnlyList<long> Seeds { get; init; }

        /// <summary>Trainer settings shared by all runs.</summary>
        public TrainerSettings Settings { get; init; } = new();

        /// <summary>Protocol (test split etc.); budget and seed are set per run.</summary>
        public ExperimentOptions Protocol { get; init; } = new();

        /// <summary>Runs at once (default: the number of cores).</summary>
        public int Parallelism { get; init; } = Environment.ProcessorCount;

        /// <summary>Directory where each finished run is stored (resume); null = keep nothing.</summary>
        public string? RunDirectory { get; init; }
    }

    /// <summary>A finished or reused run, for progress displays.</summary>
    public sealed record RunEvent(SweepRun Run, bool Reused, int Done, int Total);

    /// <summary>Runs (or reuses) every run and returns them in model, budget, seed order.</summary>
    public static IReadOnlyList<SweepRun> Run(KpiTable table, Options options, IProgress<RunEvent>? progress = null, CancellationToken cancellation = default)
    {
        var jobs = (from m in options.Models from b in options.Budgets from s in options.Seeds select (Model: m, Budget: b, Seed: s)).ToList();
        var results = new SweepRun?[jobs.Count];
        string hash = ConfigHash(table, options);
        if (options.RunDirectory is { } dir) Directory.CreateDirectory(dir);
        int done = 0;
        var pending = new List<int>();
        for (int i = 0; i < jobs.Count; i++)
        {
            var existing = Load(options.RunDirectory, jobs[i], hash);
            if (existing is not null)
            {
                results[i] = existing;
                progress?.Report(new RunEvent(existing, true, Interlocked.Increment(ref done), jobs.Count));
            }
            else
            {
                pending.Add(i);
            }
        }
        Parallel.ForEach(pending, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellation }, i =>
        {
            var (model, budget, seed) = jobs[i];
            var trainer = DetectorTrainers.Create(model, options.Settings);
            var protocol = options.Protocol with { LabelBudget = budget, Seed = seed };
            var r = DetectionExperiment.Run(table, trainer, protocol, null, cancellation);
            var run = new SweepRun(model, BudgetName(budget), seed, r.Test ?? throw new InvalidOperationException("A sweep needs a test split (test fraction > 0)."),
                r.Model.Detector.ScoreDescription, r.Seconds, hash);
            Save(options.RunDirectory, run);
            results[i] = run;
            progress?.Report(new RunEvent(run, false, Interlocked.Increment(ref done), jobs.Count));
        });
        return results.Select(r => r!).ToList();
    }

    /// <summary>"all" or the number.</summary>
    public static string BudgetName(int? budget) => budget is { } k ? k.ToString(CultureInfo.InvariantCulture) : "all";

    private static string RunFile(string dir, string model, string budget, long seed) => Path.Combine(dir, $"{model}-labels{budget}-seed{seed}.json");

    private static SweepRun? Load(string? dir, (string Model, int? Budget, long Seed) job, string hash)
    {
        if (dir is null) return null;
        var path = RunFile(dir, job.Model, BudgetName(job.Budget), job.Seed);
        if (!File.Exists(path)) return null;
        try
        {
            var run = SweepRun.FromJson(JsonNode.Parse(File.ReadAllText(path)));
            return run is not null && run.ConfigHash == hash ? run : null;
        }
        catch (JsonException)
        {
            return null; // a run cut off mid-write is simply run again
        }
    }

    private static void Save(string? dir, SweepRun run)
    {
        if (dir is null) return;
        var path = RunFile(dir, run.Model, run.Budget, run.Seed);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, run.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Hash of what makes runs comparable: the library build, the data, the protocol and the trainer settings.</summary>
    public static string ConfigHash(KpiTable table, Options options)
    {
        var sb = new StringBuilder();
        // The library build itself (its deterministic module id changes with any change of code), so a resumed sweep
        // never mixes runs of different training code.
        sb.Append(typeof(LabelBudgetSweep).Module.ModuleVersionId).Append('|');
        sb.Append(options.Protocol.DataSha256 ?? table.Source).Append('|').Append(table.RowCount).Append('|');
        sb.Append(options.Protocol.TestFraction.ToString("R", CultureInfo.InvariantCulture)).Append('|').Append(options.Protocol.SplitSeed).Append('|');
        sb.Append(options.Protocol.ExtraUnlabelled?.RowCount ?? 0).Append('|');
        // Settings added after a sweep was stored count only when set, so stored runs stay reusable.
        var settings = JsonNode.Parse(JsonSerializer.Serialize(options.Settings))!.AsObject();
        foreach (var late in LateSettings)
            if (settings[late] is null) settings.Remove(late);
        sb.Append(settings.ToJsonString());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    private static readonly string[] LateSettings = [nameof(TrainerSettings.WindowLength), nameof(TrainerSettings.EncoderUnits), nameof(TrainerSettings.DecoderUnits), nameof(TrainerSettings.ScoreWeight), nameof(TrainerSettings.Threshold), nameof(TrainerSettings.MaxSamples), nameof(TrainerSettings.CrossFitFolds)];

    /// <summary>Mean ± std over seeds per (model, budget), in first-seen order.</summary>
    public static IReadOnlyList<SweepCell> Aggregate(IReadOnlyList<SweepRun> runs)
    {
        var cells = new List<SweepCell>();
        foreach (var g in runs.GroupBy(r => (r.Model, r.Budget)))
        {
            var list = g.ToList();
            cells.Add(new SweepCell(g.Key.Model, g.Key.Budget, BinaryMetricsSummary.Of([.. list.Select(r => r.Metrics)]), list[0].Score, list.Count, list.Average(r => r.Seconds)));
        }
        return cells;
    }
}
