using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Simulation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly demo</c>: the whole product end to end on simulated data (or <c>--data FILE</c>).</summary>
internal static class DemoCommand
{
    public static Command Create(CliHost host)
    {
        var data = new Option<string?>("--data") { Description = "Run on this KPI file (e.g. ../shared/data/valid.csv) instead of simulated UE traffic." };
        var outDir = new Option<string>("--out") { Description = "Directory for everything the demo writes.", DefaultValueFactory = _ => "xainomaly-demo" };
        var quick = new Option<bool>("--quick") { Description = "A trimmed run (smaller data, fewer steps): well under a minute." };
        var seed = CliHost.SeedOption(7);
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var command = new Command("demo", "The main job: simulate (or load) KPI data, inspect it, and run the product's pipeline end to end, printing each step.");
        foreach (var o in new Option[] { data, outDir, quick, seed, json }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var clock = Stopwatch.StartNew();
            var dir = parse.GetValue(outDir)!;
            Directory.CreateDirectory(dir);
            var provenance = ResultFiles.Provenance(parse);
            var result = new JsonObject { ["command"] = "demo", ["out"] = Path.GetFullPath(dir), ["seed"] = parse.GetValue(seed) };
            var steps = new JsonArray();

            KpiTable table;
            var dataPath = parse.GetValue(data);
            if (dataPath is null)
            {
                var options = new UeTrafficOptions
                {
                    Ues = 20,
                    Seconds = parse.GetValue(quick) ? 30 : 90,
                    Seed = parse.GetValue(seed),
                };
                dataPath = Path.Combine(dir, "ue-traffic.csv");
                console.Step($"1. Simulate O-RAN UE traffic: {options.Ues} UEs, {options.Seconds:G} s, seed {options.Seed} → {dataPath}");
                table = SimulateCommand.Run(options, dataPath, console);
                steps.Add(Timed("simulate", clock));
            }
            else
            {
                console.Step($"1. Load {dataPath}");
                table = KpiTableReader.Read(dataPath, dataOptions.Read(parse));
                steps.Add(Timed("load", clock));
            }

            console.Step("2. Inspect the data: schema, ranges, label rate");
            var summary = SchemaSummary.Of(table);
            if (!console.Json)
            {
                console.Out.MarkupLine($"[bold]{Markup.Escape(dataPath)}[/]: {table.RowCount:N0} rows, {table.Columns.Count} columns");
                console.Table(InspectCommand.Render(summary));
            }
            bool quickRun = parse.GetValue(quick);
            var inspected = InspectCommand.ToJson(dataPath, table, summary);
            inspected["run"] = provenance.DeepClone();
            // The t-SNE view is exact O(n²): 1,000 rows keep the default demo's step to a few seconds.
            inspected["embedding"] = InspectCommand.Embedding(console, table, quickRun ? 500 : 1000, parse.GetValue(seed));
            ResultFiles.Write(dir, "inspect.json", inspected);
            result["data"] = new JsonObject { ["file"] = dataPath, ["rows"] = table.RowCount, ["labelRate"] = summary.PositiveRate, ["sha256"] = inspected["sha256"]?.DeepClone() };
            steps.Add(Timed("inspect", clock));

            console.Step("3. Train detectors with 100 labels (the rest of the training pool unlabelled); test on a held-out 20 % split");
            var models = new JsonArray();
            var summary3 = new Table().Border(TableBorder.Rounded).Title("held-out test split");
            summary3.AddColumn("model");
            summary3.AddColumn("score");
            foreach (var h in new[] { "UAR", "F1", "ROC-AUC", "train s" }) summary3.AddColumn(new TableColumn(h).RightAligned());
            foreach (var kind in new[] { SsDeepCae.KindName, IsolationForestDetector.KindName })
            {
                var settings = new TrainerSettings { Steps = quickRun ? 2_000 : null };
                var experiment = new ExperimentOptions { LabelBudget = Math.Min(100, table.RowCount / 2), Seed = parse.GetValue(seed), DataSource = dataPath, DataSha256 = inspected["sha256"]?.GetValue<string>() };
                var trained = TrainCommand.Train(console, table, DetectorTrainers.Create(kind, settings), experiment);
                var modelPath = Path.Combine(dir, $"{kind}.model");
                trained.Model.Save(modelPath);
                // Each step leaves its result file in the demo directory, as the command would with --results.
                TrainCommand.WriteResults(dir, table, trained, TrainCommand.ResultJson(trained, modelPath, null, (JsonObject)provenance.DeepClone()));
                var m = trained.Test!;
                summary3.AddRow(kind, Markup.Escape(trained.Model.Detector.ScoreDescription), m.UnweightedAverageRecall.ToString("F4", CultureInfo.InvariantCulture),
                    m.F1.ToString("F4", CultureInfo.InvariantCulture), m.RocAuc?.ToString("F4", CultureInfo.InvariantCulture) ?? "–", trained.Seconds.ToString("F1", CultureInfo.InvariantCulture));
                var entry = TrainCommand.MetricsJson(m);
                entry["kind"] = kind;
                entry["model"] = modelPath;
                entry["score"] = trained.Model.Detector.ScoreDescription;
                entry["seconds"] = Math.Round(trained.Seconds, 3);
                models.Add(entry);
            }
            console.Table(summary3);
            result["models"] = models;
            steps.Add(Timed("train", clock));

            // demo.json goes down before the report so the report's "how it was made" shows the steps' timings.
            result["steps"] = steps;
            result["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            result["run"] = provenance;
            ResultFiles.Write(dir, "demo.json", result);
            console.Step("4. Write the HTML report");
            string reportPath = Path.Combine(dir, "report.html");
            var reportResult = ReportCommand.Build(console, dir, reportPath, "Xainomaly demo report", (JsonObject)provenance.DeepClone());
            steps.Add(Timed("report", clock));
            result["report"] = reportResult["path"]!.DeepClone();
            result["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            ResultFiles.Write(dir, "demo.json", result);
            console.Result($"[green]Demo finished[/] in {clock.Elapsed.TotalSeconds:F1} s; outputs in [bold]{Markup.Escape(Path.GetFullPath(dir))}[/]; report: [bold]{Markup.Escape(Path.GetFullPath(reportPath))}[/]");
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject Timed(string step, Stopwatch clock) =>
        new() { ["step"] = step, ["atSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3) };
}
