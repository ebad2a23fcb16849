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

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly sweep</c>: the label-budget table (paper Table V) over models, budgets and seeds.</summary>
internal static class SweepCommand
{
    private static readonly (string Key, string Title, Func<BinaryMetricsSummary, MetricSummary?> Get)[] MetricColumns =
    [
        ("uar", "UAR", s => s.UnweightedAverageRecall),
        ("accuracy", "accuracy", s => s.Accuracy),
        ("precision", "precision", s => s.Precision),
        ("recall", "recall", s => s.Recall),
        ("f1", "F1", s => s.F1),
        ("roc_auc", "ROC-AUC", s => s.RocAuc),
    ];

    public static Command Create(CliHost host)
    {
        var data = new Option<string>("--data") { Description = "Labelled KPI data.", Required = true };
        var models = new Option<string[]>("--models") { Description = $"Detectors (comma-separated): {string.Join(", ", DetectorTrainers.Kinds)}.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. DetectorTrainers.Kinds] };
        var labels = new Option<string[]>("--labels") { Description = "Label budgets (comma-separated; 'all' = every label of the training pool).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["100", "300", "500", "800", "1000", "all"] };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per cell (seeds 1..N).", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out") { Description = "Directory for the table (Markdown, CSV, JSON), sweep.json for 'xainomaly report', and the finished runs (resume).", Required = true };
        var unlabeled = new Option<string?>("--unlabeled") { Description = "Extra unlabelled data (e.g. ../shared/data/ue.json.gz)." };
        var parallel = new Option<int>("--parallel") { Description = "Runs at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var plots = new Option<string?>("--plots") { Description = "Write figures (PNG and SVG): UAR, F1, ROC-AUC and accuracy against the number of labels, one line per model." };
        var json = CliHost.JsonOption();
        var training = new TrainingOptions();
        var dataOptions = new DataOptions();
        var command = new Command("sweep", "The label-budget table: UAR and five more metrics, mean ± std over seeds, for every model and budget; resumes from finished runs.");
        foreach (var o in new Option[] { data, models, labels, seeds, output, unlabeled, parallel, plots, json }) command.Options.Add(o);
        training.AddTo(command);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var modelList = SplitList(parse.GetValue(models));
            foreach (var m in modelList)
                if (!DetectorTrainers.Kinds.Contains(m)) throw new UsageException($"--models {m}: expected one of {string.Join(", ", DetectorTrainers.Kinds)}.");
            var budgets = SplitList(parse.GetValue(labels)).Select(TrainingOptions.ParseBudget).ToList();
            int n = parse.GetValue(seeds);
            if (n < 1) throw new UsageException($"--seeds {n}: expected at least 1.");
            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            KpiTable? extra = parse.GetValue(unlabeled) is { } u ? KpiTableReader.Read(u, KpiReadOptions.Default) : null;
            var dir = parse.GetValue(output)!;
            var options = new LabelBudgetSweep.Options
            {
                Models = modelList,
                Budgets = budgets,
                Seeds = [.. Enumerable.Range(1, n).Select(i => (long)i)],
                Settings = training.Read(parse),
                Protocol = new ExperimentOptions { DataSource = path, DataSha256 = TrainCommand.Sha256(path), ExtraUnlabelled = extra },
                Parallelism = Math.Max(1, parse.GetValue(parallel)),
                RunDirectory = Path.Combine(dir, "runs"),
            };
            int total = modelList.Count * budgets.Count * n;
            console.Step($"Sweep: {modelList.Count} models × {budgets.Count} budgets × {n} seeds = {total} runs on {path}, {options.Parallelism} at once");
            int reused = 0;
            var runs = console.Progress("sweep", total, progress =>
                LabelBudgetSweep.Run(table, options, new SyncProgress<LabelBudgetSweep.RunEvent>(e =>
                {
                    if (e.Reused) Interlocked.Increment(ref reused);
                    progress.Report(e.Done);
                })));
            if (reused > 0) console.Note($"{reused} of {total} runs reused from {options.RunDirectory}");
            var cells = LabelBudgetSweep.Aggregate(runs);
            var budgetNames = budgets.Select(LabelBudgetSweep.BudgetName).ToList();
            console.Table(Render(cells, modelList, budgetNames));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "table.md"), Markdown(cells, modelList, budgetNames, path, n));
            File.WriteAllText(Path.Combine(dir, "table.csv"), Csv(cells));
            var result = Json(cells, path, n, options);
            int allLabels = DataSplits.StratifiedTrainTest(table.Labels(), options.Protocol.TestFraction, options.Protocol.SplitSeed).Train.Length;
            result["allLabels"] = allLabels;
            result["dataSha256"] = options.Protocol.DataSha256;
            result["run"] = ResultFiles.Provenance(parse);
            File.WriteAllText(Path.Combine(dir, "table.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            ResultFiles.Write(dir, "sweep.json", result);
            if (parse.GetValue(plots) is { } plotDir)
            {
                var figures = Plots.ForSweep(plotDir, cells, allLabels);
                console.Note($"{figures.Count} figure files written to {plotDir}");
            }
            console.Result($"Tables written to [bold]{Markup.Escape(Path.Combine(dir, "table.md"))}[/] (and .csv, .json)");
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static SweepCell? Find(IReadOnlyList<SweepCell> cells, string model, string budget) =>
        cells.FirstOrDefault(c => c.Model == model && c.Budget == budget);

    private static Table Render(IReadOnlyList<SweepCell> cells, List<string> models, List<string> budgets)
    {
        var t = new Table().Border(TableBorder.Rounded).Title("UAR % (mean ± std over seeds); paper Table V below each model where it has one");
        t.AddColumn("model");
        foreach (var b in budgets) t.AddColumn(new TableColumn(b).RightAligned());
        foreach (var m in models)
        {
            t.AddRow([Markup.Escape(m), .. budgets.Select(b => Find(cells, m, b) is { } c ? c.Summary.UnweightedAverageRecall.Format("0.00", 100) : "–")]);
            if (PaperTableV.Uar.ContainsKey(m))
                t.AddRow([$"[grey]  paper[/]", .. budgets.Select(b => PaperTableV.Lookup(m, b) is { } p ? $"[grey]{p.Mean:0.00} ± {p.Std:0.0}[/]" : "")]);
        }
        return t;
    }

    private static string Markdown(IReadOnlyList<SweepCell> cells, List<string> models, List<string> budgets, string data, int seeds)
    {
        var sb = new StringBuilder();
        foreach (var (key, title, get) in MetricColumns)
        {
            sb.Append(CultureInfo.InvariantCulture, $"### {title} % (mean ± std over {seeds} seeds) on {data}\n\n");
            sb.Append("| model | ").Append(string.Join(" | ", budgets)).Append(" |\n");
            sb.Append("|---|").Append(string.Concat(budgets.Select(_ => "---|"))).Append('\n');
            foreach (var m in models)
            {
                sb.Append("| ").Append(m).Append(" | ");
                sb.Append(string.Join(" | ", budgets.Select(b => Find(cells, m, b) is { } c && get(c.Summary) is { } s ? s.Format("0.00", 100) : "–")));
                sb.Append(" |\n");
                if (key == "uar" && PaperTableV.Uar.ContainsKey(m))
                {
                    sb.Append("| ").Append(m).Append(" (paper) | ");
                    sb.Append(string.Join(" | ", budgets.Select(b => PaperTableV.Lookup(m, b) is { } p ? $"{p.Mean:0.00} ± {p.Std:0.0}" : "")));
                    sb.Append(" |\n");
                }
            }
            sb.Append('\n');
        }
        sb.Append("Score per model: ").Append(string.Join("; ", models.Select(m => $"{m}: {cells.FirstOrDefault(c => c.Model == m)?.Score}"))).Append('\n');
        return sb.ToString();
    }

    private static string Csv(IReadOnlyList<SweepCell> cells)
    {
        var sb = new StringBuilder("model,budget,seeds,metric,mean,std,min,max,mean_seconds\n");
        foreach (var c in cells)
            foreach (var (key, _, get) in MetricColumns)
                if (get(c.Summary) is { } s)
                    sb.Append(CultureInfo.InvariantCulture, $"{c.Model},{c.Budget},{c.Seeds},{key},{s.Mean:R},{s.StandardDeviation:R},{s.Min:R},{s.Max:R},{c.MeanSeconds:R}\n");
        return sb.ToString();
    }

    private static JsonObject Json(IReadOnlyList<SweepCell> cells, string data, int seeds, LabelBudgetSweep.Options options)
    {
        var arr = new JsonArray();
        foreach (var c in cells)
        {
            var o = new JsonObject { ["model"] = c.Model, ["budget"] = c.Budget, ["seeds"] = c.Seeds, ["score"] = c.Score, ["meanSeconds"] = c.MeanSeconds };
            foreach (var (key, _, get) in MetricColumns)
                if (get(c.Summary) is { } s) o[key] = new JsonObject { ["mean"] = s.Mean, ["std"] = s.StandardDeviation };
            if (PaperTableV.Lookup(c.Model, c.Budget) is { } p) o["paperUar"] = new JsonObject { ["mean"] = p.Mean / 100, ["std"] = p.Std / 100 };
            arr.Add(o);
        }
        return new JsonObject { ["command"] = "sweep", ["data"] = data, ["seeds"] = seeds, ["models"] = new JsonArray([.. options.Models.Select(m => (JsonNode)m!)]), ["cells"] = arr };
    }
}
