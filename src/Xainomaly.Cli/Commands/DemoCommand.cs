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

            console.Step("3. Train SS-DeepCAE and the two strongest baselines (DeepAE, Vanilla AE) with 100 labels (the rest of the training pool unlabelled); test on a held-out 20 % split");
            var models = new JsonArray();
            var summary3 = new Table().Border(TableBorder.Rounded).Title("held-out test split");
            summary3.AddColumn("model");
            summary3.AddColumn("score");
            foreach (var h in new[] { "UAR", "F1", "ROC-AUC", "train s" }) summary3.AddColumn(new TableColumn(h).RightAligned());
            foreach (var kind in new[] { SsDeepCae.KindName, DeepAutoencoder.KindName, VanillaAutoencoder.KindName })
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

            string seedText = parse.GetValue(seed).ToString(CultureInfo.InvariantCulture);
            string ssModel = Path.Combine(dir, $"{SsDeepCae.KindName}.model");
            string explainer = Path.Combine(dir, $"{SsDeepCae.KindName}.fastshap");
            string plots = Path.Combine(dir, "plots");

            console.Step("4. Fit the fastSHAP-C explainer for SS-DeepCAE and explain the flagged anomalies (one forward pass each, with CS and EM)");
            RunStep(console, ["fit-explainer", "--model", ssModel, "--data", dataPath, "--out", explainer, "--seed", seedText, .. (quickRun ? new[] { "--epochs", "4" } : new[] { "--epochs", "12" })]);
            RunStep(console, ["explain", "--model", ssModel, "--data", dataPath, "--explainer", explainer, "--method", "fastshap-c", "--anomalies",
                "--rows", quickRun ? "100" : "300", "--top", "5", "--seed", seedText, "--out", dir, "--plots", plots]);
            var explained = ExplanationSummary(Path.Combine(dir, "explain.json"));
            result["explanations"] = explained;
            console.Result($"Explained {explained["rows"]} flagged rows with {explained["method"]}: mean CS {Fmt(explained["meanCs"])}, top features " +
                Markup.Escape(string.Join(", ", explained["topFeatures"]!.AsArray().Select(t => t!["feature"]!.GetValue<string>()))));
            steps.Add(Timed("explain", clock));

            console.Step("5. Attack SS-DeepCAE with FGSM and JSMA (UE-reported radio measurements only), harden it by adversarial training, attack again");
            RunStep(console, ["robustness", "--data", dataPath, "--models", SsDeepCae.KindName, "--model-files", ssModel, "--attacks", "fgsm,jsma", "--epsilons", "0.1",
                "--labels", Math.Min(100, table.RowCount / 2).ToString(CultureInfo.InvariantCulture), "--seed", seedText, "--out", dir, "--plots", plots,
                "--shap-rows", quickRun ? "10" : "40", .. (quickRun ? new[] { "--steps", "2000" } : [])]);
            var robust = RobustnessSummary(Path.Combine(dir, "robustness.json"));
            result["robustness"] = robust;
            foreach (var c in robust["cells"]!.AsArray())
                console.Result($"{c!["attack"]} ε {Fmt(c["epsilon"])}: accuracy clean {Fmt(c["cleanAccuracy"])} → under attack {Fmt(c["attackedAccuracy"])} → hardened, under attack {Fmt(c["hardenedAttackedAccuracy"])}");
            steps.Add(Timed("robustness", clock));

            // demo.json goes down before the report so the report's "how it was made" shows the steps' timings.
            result["steps"] = steps;
            result["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            result["run"] = provenance;
            ResultFiles.Write(dir, "demo.json", result);
            console.Step("6. Write the HTML report");
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

    /// <summary>
    /// Runs one product command as a demo step, exactly as a user would type it, so the demo's files are the commands'
    /// own results. Its table goes to the demo's stdout (nowhere with --json, which keeps demo's one JSON object).
    /// </summary>
    private static void RunStep(CliConsole console, string[] args)
    {
        console.Note("$ xainomaly " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
        var stdout = console.Json ? TextWriter.Null : console.StdoutWriter;
        int code = CliApp.Run(args, stdout, console.StderrWriter);
        if (code != ExitCodes.Success)
            throw new InvalidOperationException($"demo: the step 'xainomaly {args[0]}' failed with exit code {code} (its message is above).");
    }

    private static string Fmt(JsonNode? n) =>
        n is JsonValue v && v.TryGetValue(out double d) ? d.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static JsonObject ReadResult(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");

    /// <summary>The key explanation figures for the demo's summary: rows explained, mean CS and the top features by mean |φ|.</summary>
    private static JsonObject ExplanationSummary(string path)
    {
        var e = ReadResult(path);
        var names = e["features"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        var meanAbs = e["aggregate"]!["meanAbsValues"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        var top = new JsonArray();
        foreach (int j in Enumerable.Range(0, names.Length).OrderByDescending(j => meanAbs[j]).Take(5))
            top.Add(new JsonObject { ["feature"] = names[j], ["meanAbsPhi"] = meanAbs[j] });
        return new JsonObject
        {
            ["file"] = path,
            ["method"] = e["method"]?.DeepClone(),
            ["rows"] = e["aggregate"]!["rows"]?.DeepClone(),
            ["meanCs"] = e["aggregate"]!["cs"]?["mean"]?.DeepClone(),
            ["meanEm"] = e["aggregate"]!["em"]?["mean"]?.DeepClone(),
            ["topFeatures"] = top,
        };
    }

    /// <summary>Accuracy clean, under each attack and after hardening, from robustness.json.</summary>
    private static JsonObject RobustnessSummary(string path)
    {
        var r = ReadResult(path);
        var cells = new JsonArray();
        foreach (var c in r["cells"]!.AsArray())
        {
            cells.Add(new JsonObject
            {
                ["attack"] = c!["attack"]!["method"]?.DeepClone(),
                ["epsilon"] = c["attack"]!["epsilon"]?.DeepClone(),
                ["cleanAccuracy"] = c["clean"]!["accuracy"]?.DeepClone(),
                ["attackedAccuracy"] = c["underAttack"]!["accuracy"]?.DeepClone(),
                ["hardenedAttackedAccuracy"] = c["hardened"]?["underAttack"]?["accuracy"]?.DeepClone(),
                ["meanFeaturesChanged"] = c["meanFeaturesChanged"]?.DeepClone(),
            });
        }
        return new JsonObject { ["file"] = path, ["cells"] = cells };
    }

    private static JsonObject Timed(string step, Stopwatch clock) =>
        new() { ["step"] = step, ["atSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3) };
}
