using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Evaluation.Tuning;
using Xainomaly.Reporting;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly tune</c>: hyper-parameter search with honest k-fold cross-validation inside the label budget.</summary>
internal static class TuneCommand
{
    private const string PaperDefaultsLabel = "paper defaults";

    public static Command Create(CliHost host)
    {
        var data = new Option<string>("--data") { Description = "Labelled KPI data.", Required = true };
        var model = new Option<string>("--model") { Description = $"Detector: {string.Join(", ", DetectorTrainers.Kinds)}.", DefaultValueFactory = _ => SsDeepCae.KindName };
        var labels = new Option<string>("--labels") { Description = "Label budget inside the training pool: a number or 'all'. The folds split exactly these labels.", DefaultValueFactory = _ => "100" };
        var grid = new Option<string?>("--grid") { Description = "Grid file: JSON ({\"layers\":[1,2,3],\"learningRate\":[1e-4,1e-3]}) or YAML subset (layers: [1, 2, 3]). Parameters: " + string.Join(", ", ParameterSpace.ParameterNames) + "." };
        var preset = new Option<string?>("--preset") { Description = "Built-in grid: paper (Table III, 20,250 configurations) or depth (CAE1–CAE5, paper Fig. 6)." };
        var search = new Option<string>("--search") { Description = "grid (every configuration) or random (--trials configurations drawn with --seed).", DefaultValueFactory = _ => "grid" };
        var trials = new Option<int>("--trials") { Description = "Configurations of a random search.", DefaultValueFactory = _ => 20 };
        var folds = new Option<int>("--folds") { Description = "Stratified folds over the budget's labelled rows.", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { Description = "Seed of the label budget, the folds, the random search and every training.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Directory for tune.md/.csv/.json, the cache of finished configurations (resume), plots and the refitted model.", Required = true };
        var objective = new Option<string>("--objective") { Description = "Ranking objective on each fold's held-out labels: uar, f1 or roc-auc.", DefaultValueFactory = _ => "uar" };
        var refit = new Option<bool>("--refit") { Description = "Train the winner (and the paper's defaults, for comparison) on the whole training pool with the same labels, save it and report its test-split metrics." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Cap optimiser steps per training, for quick searches (reported with the results)." };
        var parallel = new Option<int>("--parallel") { Description = "Trainings at once (each single-threaded).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = CliHost.JsonOption();
        var training = new TrainingOptions();
        var dataOptions = new DataOptions();
        var command = new Command("tune", "Hyper-parameter search (grid or random) ranked by k-fold cross-validation inside the training pool that reads only the budget's labels; resumable; --refit trains and tests the winner; --preset depth plots the depth study.");
        foreach (var o in new Option[] { data, model, labels, grid, preset, search, trials, folds, seed, output, objective, refit, maxSteps, parallel, json }) command.Options.Add(o);
        training.AddTo(command);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var kind = parse.GetValue(model)!;
            if (!DetectorTrainers.Kinds.Contains(kind)) throw new UsageException($"--model {kind}: expected one of {string.Join(", ", DetectorTrainers.Kinds)}.");
            var budgetText = parse.GetValue(labels)!;
            int? budget = TrainingOptions.ParseBudget(budgetText);
            var gridPath = parse.GetValue(grid);
            var presetName = parse.GetValue(preset);
            if ((gridPath is null) == (presetName is null)) throw new UsageException("Give exactly one of --grid FILE and --preset paper|depth.");
            ParameterSpace space = presetName is not null
                ? ParameterSpace.Preset(presetName) ?? throw new UsageException($"--preset {presetName}: expected paper or depth.")
                : ParameterSpace.Load(gridPath!);
            var searchMode = parse.GetValue(search)!;
            if (searchMode is not ("grid" or "random")) throw new UsageException($"--search {searchMode}: expected grid or random.");
            int nTrials = parse.GetValue(trials);
            if (nTrials < 1) throw new UsageException($"--trials {nTrials}: expected at least 1.");
            int k = parse.GetValue(folds);
            if (k < 2) throw new UsageException($"--folds {k}: expected at least 2.");
            var objText = parse.GetValue(objective)!;
            var obj = objText switch
            {
                "uar" => TuningObjective.Uar,
                "f1" => TuningObjective.F1,
                "roc-auc" => TuningObjective.RocAuc,
                _ => throw new UsageException($"--objective {objText}: expected uar, f1 or roc-auc."),
            };
            int? cap = parse.GetValue(maxSteps);
            if (cap is < 1) throw new UsageException($"--max-steps {cap}: expected at least 1.");
            if (searchMode == "grid" && space.Count > 100_000) throw new UsageException($"The {space.Name} grid has {space.Count:N0} configurations; use --search random --trials N.");
            long s = parse.GetValue(seed);
            var configurations = searchMode == "random" ? space.Sample(nTrials, s ^ 0x5EA2C4) : space.Grid();
            var list = new List<TuningConfiguration>(configurations);
            bool depth = space.Name == "depth";
            if (kind == SsDeepCae.KindName && !depth && !list.Any(c => c.Values.Count == 0))
                list.Add(new TuningConfiguration([], PaperDefaultsLabel)); // the paper's chosen settings, as a reference row

            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            var sha = TrainCommand.Sha256(path);
            var protocol = new ExperimentOptions { LabelBudget = budget, Seed = s, DataSource = path, DataSha256 = sha };
            var pool = TuningPool.Create(table, protocol);
            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var baseSettings = training.Read(parse);
            var options = new HyperparameterSearchOptions
            {
                Kind = kind,
                BaseSettings = baseSettings,
                Folds = k,
                Seed = s,
                MaxSteps = cap,
                Objective = obj,
                Parallelism = Math.Max(1, parse.GetValue(parallel)),
                CacheDirectory = Path.Combine(dir, "cache"),
                DataKey = $"{sha}|labels={budgetText}|test={protocol.TestFraction}/{protocol.SplitSeed}",
                KeepReconstructionErrors = depth,
            };
            console.Step($"Tune {kind}: {list.Count} configurations ({searchMode} search over the {space.Name} grid of {space.Count:N0}) × {k} folds over {pool.LabelledRows.Length} budget labels of {pool.Data.Count} pool rows; {options.Parallelism} trainings at once" +
                (cap is { } c0 ? $"; steps capped at {c0:N0}" : ""));
            int total = list.Count * k;
            var result = console.Progress("tune", total, (progress, status) =>
                HyperparameterSearch.Run(pool.Data, list, options, new SyncProgress<TuningProgress>(e =>
                {
                    progress.Report(e.Done);
                    if (e.Best is { } b) status($"best {Name(obj)} {e.BestMean:0.0000}: {b}");
                })));
            int reused = result.Ranked.Count(t => t.Reused);
            if (reused > 0) console.Note($"{reused} of {list.Count} configurations reused from {options.CacheDirectory}");

            JsonObject? refitJson = null;
            if (parse.GetValue(refit))
            {
                refitJson = [];
                var winner = result.Best;
                refitJson["best"] = Refit(console, table, kind, winner.Configuration, options, protocol, Path.Combine(dir, "tune-best.xai"));
                var reference = result.Ranked.FirstOrDefault(t => t.Configuration.Label == PaperDefaultsLabel);
                if (reference is not null && !ReferenceEquals(reference, winner))
                    refitJson["paperDefaults"] = Refit(console, table, kind, reference.Configuration, options, protocol, Path.Combine(dir, "tune-paper-defaults.xai"));
            }
            var plots = depth ? DepthPlots(Path.Combine(dir, "plots"), result) : [];

            console.Table(Render(result, cap));
            var node = Json(result, path, kind, budgetText, pool, space, searchMode, options, refitJson, plots);
            File.WriteAllText(Path.Combine(dir, "tune.md"), Markdown(result, path, kind, budgetText, pool, space, searchMode, options, refitJson));
            File.WriteAllText(Path.Combine(dir, "tune.csv"), Csv(result));
            File.WriteAllText(Path.Combine(dir, "tune.json"), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (plots.Count > 0) console.Note($"{plots.Count} figure files written to {Path.Combine(dir, "plots")}");
            console.Result($"Best: [bold]{Markup.Escape(result.Best.Configuration.ToString())}[/] — {Name(obj)} {result.Best.Mean(obj):0.0000} ± {result.Best.Std(obj):0.0000} over {k} folds; results in [bold]{Markup.Escape(Path.Combine(dir, "tune.md"))}[/] (and .csv, .json)");
            console.WriteJson(node);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Name(TuningObjective o) => o switch
    {
        TuningObjective.F1 => "F1",
        TuningObjective.RocAuc => "ROC-AUC",
        _ => "UAR",
    };

    private static JsonObject Refit(CliConsole console, KpiTable table, string kind, TuningConfiguration configuration, HyperparameterSearchOptions options, ExperimentOptions protocol, string modelPath)
    {
        var settings = configuration.ToSettings(options.BaseSettings, options.MaxSteps);
        console.Step($"Refit {configuration} on the whole training pool with the same {protocol.BudgetName} labels");
        var trainer = DetectorTrainers.Create(kind, settings);
        var run = console.Progress("refit", settings.Steps ?? SsDeepCae.DefaultSteps, progress =>
            DetectionExperiment.Run(table, trainer, protocol, new SyncProgress<TrainingProgress>(p => progress.Report(p.Step))));
        run.Model.Save(modelPath);
        var m = run.Test!;
        return new JsonObject
        {
            ["configuration"] = configuration.Key,
            ["label"] = configuration.Label,
            ["model"] = modelPath,
            ["seconds"] = run.Seconds,
            ["score"] = run.Model.Detector.ScoreDescription,
            ["test"] = new JsonObject
            {
                ["uar"] = m.UnweightedAverageRecall,
                ["f1"] = m.F1,
                ["precision"] = m.Precision,
                ["recall"] = m.Recall,
                ["accuracy"] = m.Accuracy,
                ["rocAuc"] = m.RocAuc,
            },
        };
    }

    private static List<string> DepthPlots(string dir, TuningResult result)
    {
        var files = new List<string>();
        var byDepth = result.Ranked.Where(t => t.ReconstructionErrors is not null)
            .OrderBy(t => t.Configuration.Get("layers") as int? ?? 0).ToList();
        if (byDepth.Count == 0) return files;
        var names = new List<string>();
        foreach (var t in byDepth)
        {
            var name = t.Configuration.Label ?? t.Configuration.Key;
            names.Add(name);
            var normal = new List<double>();
            var anomalous = new List<double>();
            for (int i = 0; i < t.ReconstructionErrors!.Length; i++)
            {
                double v = Math.Max(t.ReconstructionErrors[i], 1e-9);
                (t.ReconstructionLabels![i] == 1 ? anomalous : normal).Add(v);
            }
            if (normal.Count == 0 || anomalous.Count == 0) continue;
            var fig = new OverlaidHistograms($"{name}: reconstruction error of held-out budget rows (log scale)", "reconstruction error ‖x − x̂‖²",
                [new HistogramGroup("normal", normal), new HistogramGroup("anomalous", anomalous)], bins: 40, logX: true);
            files.AddRange(fig.SaveBoth(dir, $"depth-re-{name.ToLowerInvariant()}"));
        }
        var precision = new Xainomaly.Reporting.BarChart("Precision per encoder depth (cross-validated, mean ± std over folds)", "depth", "precision", names,
            [new BarSeries("precision", [.. byDepth.Select(t => TuningTrial.MeanOf(t.Precision))], [.. byDepth.Select(t => TuningTrial.StdOf(t.Precision))])]);
        files.AddRange(precision.SaveBoth(dir, "depth-precision"));
        var uar = new Xainomaly.Reporting.BarChart("UAR per encoder depth (cross-validated, mean ± std over folds)", "depth", "UAR", names,
            [new BarSeries("UAR", [.. byDepth.Select(t => TuningTrial.MeanOf(t.Uar))], [.. byDepth.Select(t => TuningTrial.StdOf(t.Uar))])]);
        files.AddRange(uar.SaveBoth(dir, "depth-uar"));
        return files;
    }

    private static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.0000", CultureInfo.InvariantCulture);

    private static Table Render(TuningResult r, int? cap)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"{Name(r.Objective)} (mean ± std over {r.Folds} folds of {r.LabelledRows} budget labels){(cap is { } c ? $", steps capped at {c:N0}" : "")}");
        foreach (var h in new[] { "rank", "configuration", Name(r.Objective), "UAR", "F1", "ROC-AUC", "s" }) t.AddColumn(h);
        int rank = 0;
        foreach (var trial in r.Ranked.Take(25))
        {
            rank++;
            t.AddRow(rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(trial.Configuration.ToString()),
                $"{F(trial.Mean(r.Objective))} ± {F(trial.Std(r.Objective))}", F(trial.Mean(TuningObjective.Uar)), F(trial.Mean(TuningObjective.F1)), F(trial.Mean(TuningObjective.RocAuc)),
                trial.Seconds.ToString("0", CultureInfo.InvariantCulture) + (trial.Reused ? " (cached)" : ""));
        }
        return t;
    }

    private static string Markdown(TuningResult r, string data, string kind, string budget, TuningPool pool, ParameterSpace space, string search, HyperparameterSearchOptions o, JsonObject? refit)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"## tune: {kind} on {data}, {budget} labels ({pool.LabelledRows.Length} labelled of {pool.Data.Count} training-pool rows)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{search} search over the {space.Name} grid ({space.Count:N0} configurations), {r.Ranked.Count} evaluated; {r.Folds}-fold stratified CV over the budget's labels; seed {o.Seed}; objective {Name(r.Objective)}");
        if (o.MaxSteps is { } cap) sb.Append(CultureInfo.InvariantCulture, $"; **steps capped at {cap:N0}**");
        sb.Append(CultureInfo.InvariantCulture, $"; {r.Seconds:0} s.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"| rank | configuration | {Name(r.Objective)} (mean ± std) | UAR | F1 | ROC-AUC | precision | seconds |\n|---|---|---|---|---|---|---|---|\n");
        int rank = 0;
        foreach (var t in r.Ranked)
        {
            rank++;
            sb.Append(CultureInfo.InvariantCulture, $"| {rank} | {t.Configuration} | {F(t.Mean(r.Objective))} ± {F(t.Std(r.Objective))} | {F(t.Mean(TuningObjective.Uar))} | {F(t.Mean(TuningObjective.F1))} | {F(t.Mean(TuningObjective.RocAuc))} | {F(TuningTrial.MeanOf(t.Precision))} | {t.Seconds:0} |\n");
        }
        if (refit is not null)
        {
            sb.Append("\n### Refitted on the whole training pool, scored on the held-out test split\n\n| model | configuration | test UAR | F1 | ROC-AUC | score |\n|---|---|---|---|---|---|\n");
            foreach (var (name, node) in refit)
            {
                var test = node!["test"]!;
                sb.Append(CultureInfo.InvariantCulture, $"| {name} | {node["configuration"]} | {F((double)test["uar"]!)} | {F((double)test["f1"]!)} | {F((double?)test["rocAuc"] ?? double.NaN)} | {node["score"]} |\n");
            }
        }
        return sb.ToString();
    }

    private static string Csv(TuningResult r)
    {
        var sb = new StringBuilder("rank,label,configuration,objective,mean,std,uar_mean,uar_std,f1_mean,roc_auc_mean,precision_mean,seconds,reused\n");
        int rank = 0;
        foreach (var t in r.Ranked)
        {
            rank++;
            sb.Append(CultureInfo.InvariantCulture, $"{rank},{t.Configuration.Label},\"{t.Configuration.Key}\",{Name(r.Objective)},{t.Mean(r.Objective):R},{t.Std(r.Objective):R},{t.Mean(TuningObjective.Uar):R},{t.Std(TuningObjective.Uar):R},{t.Mean(TuningObjective.F1):R},{t.Mean(TuningObjective.RocAuc):R},{TuningTrial.MeanOf(t.Precision):R},{t.Seconds:R},{t.Reused}\n");
        }
        return sb.ToString();
    }

    private static JsonNode Num(double v) => double.IsNaN(v) ? "NaN" : JsonValue.Create(v);

    private static JsonObject Metric(double[] folds) => new()
    {
        ["mean"] = Num(TuningTrial.MeanOf(folds)),
        ["std"] = Num(TuningTrial.StdOf(folds)),
        ["folds"] = new JsonArray([.. folds.Select(Num)]),
    };

    private static JsonObject Json(TuningResult r, string data, string kind, string budget, TuningPool pool, ParameterSpace space, string search, HyperparameterSearchOptions o, JsonObject? refit, List<string> plots)
    {
        var ranked = new JsonArray();
        int rank = 0;
        foreach (var t in r.Ranked)
        {
            rank++;
            var config = new JsonObject();
            foreach (var (key, value) in t.Configuration.Values)
                config[key] = value switch { int i => i, double d => d, _ => (JsonNode)value.ToString()! };
            ranked.Add(new JsonObject
            {
                ["rank"] = rank,
                ["label"] = t.Configuration.Label,
                ["configuration"] = config,
                ["mean"] = Num(t.Mean(r.Objective)),
                ["std"] = Num(t.Std(r.Objective)),
                ["uar"] = Metric(t.Uar),
                ["f1"] = Metric(t.F1),
                ["rocAuc"] = Metric(t.RocAuc),
                ["precision"] = Metric(t.Precision),
                ["seconds"] = t.Seconds,
                ["reused"] = t.Reused,
            });
        }
        return new JsonObject
        {
            ["command"] = "tune",
            ["data"] = data,
            ["model"] = kind,
            ["labels"] = budget,
            ["labelledRows"] = pool.LabelledRows.Length,
            ["poolRows"] = pool.Data.Count,
            ["space"] = space.Name,
            ["spaceSize"] = space.Count,
            ["search"] = search,
            ["configurations"] = r.Ranked.Count,
            ["folds"] = r.Folds,
            ["seed"] = o.Seed,
            ["objective"] = Name(r.Objective),
            ["maxSteps"] = o.MaxSteps,
            ["seconds"] = r.Seconds,
            ["best"] = ranked[0]!.DeepClone(),
            ["ranked"] = ranked,
            ["refit"] = refit,
            ["plots"] = new JsonArray([.. plots.Select(p => (JsonNode)p!)]),
        };
    }
}
