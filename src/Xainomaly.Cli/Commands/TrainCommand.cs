using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly train</c>: fit a detector under a label budget and save it as a model file.</summary>
internal static class TrainCommand
{
    public static Command Create(CliHost host)
    {
        var data = new Option<string>("--data") { Description = "Labelled KPI data (CSV or UE report JSON).", Required = true };
        var model = new Option<string>("--model") { Description = $"Detector: {string.Join(", ", DetectorTrainers.Kinds)}; or {QoePredictor.KindName}, the QoE (downlink throughput) predictor of traffic steering.", Required = true };
        var labels = new Option<string>("--labels") { Description = "Label budget: how many labelled rows of the training pool the run may see, or 'all'.", DefaultValueFactory = _ => "all" };
        var seed = CliHost.SeedOption(42);
        var output = new Option<string>("--out") { Description = "Model file to write (any name).", Required = true };
        var unlabeled = new Option<string?>("--unlabeled") { Description = "Extra unlabelled data for the semi-supervised models (e.g. ../shared/data/ue.json.gz)." };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share held out as the test split (0 = none).", DefaultValueFactory = _ => 0.2 };
        var splitSeed = new Option<long>("--split-seed") { Description = "Seed of the test split.", DefaultValueFactory = _ => 42 };
        var plots = new Option<string?>("--plots") { Description = "Write figures (PNG and SVG) here: loss and accuracy curves, score and reconstruction-error distributions, ROC and precision–recall." };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var training = new TrainingOptions();
        var command = new Command("train", "Train a detector with a label budget (the rest of the training pool unlabelled), report validation and test metrics, save the model.");
        foreach (var o in new Option[] { data, model, labels, seed, output, unlabeled, testFraction, splitSeed, plots, json }) command.Options.Add(o);
        training.AddTo(command);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var kind = parse.GetValue(model)!;
            if (kind == QoePredictor.KindName) return TrainQoe(parse, console, parse.GetValue(data)!, dataOptions.Read(parse), training, parse.GetValue(seed), parse.GetValue(testFraction), parse.GetValue(splitSeed), parse.GetValue(output)!);
            if (!DetectorTrainers.Kinds.Contains(kind))
                throw new UsageException($"--model {kind}: expected one of {string.Join(", ", DetectorTrainers.Kinds)} or {QoePredictor.KindName}.");
            var path = parse.GetValue(data)!;
            var readOptions = dataOptions.Read(parse) with { RequireLabel = true };
            var table = KpiTableReader.Read(path, readOptions);
            KpiTable? extra = parse.GetValue(unlabeled) is { } u ? KpiTableReader.Read(u, KpiReadOptions.Default) : null;
            var options = new ExperimentOptions
            {
                LabelBudget = TrainingOptions.ParseBudget(parse.GetValue(labels)!),
                Seed = parse.GetValue(seed),
                TestFraction = parse.GetValue(testFraction),
                SplitSeed = parse.GetValue(splitSeed),
                ExtraUnlabelled = extra,
                DataSource = path,
                DataSha256 = Sha256(path),
            };
            var trainer = DetectorTrainers.Create(kind, training.Read(parse));
            console.Step($"Training {kind} on {path} ({table.RowCount:N0} rows), labels {options.BudgetName}, seed {options.Seed}");
            var result = Train(console, table, trainer, options);
            var outPath = parse.GetValue(output)!;
            result.Model.Save(outPath);
            List<string> figures = [];
            if (parse.GetValue(plots) is { } plotDir)
            {
                figures = Plots.ForTraining(plotDir, table, result);
                console.Note($"{figures.Count} figure files written to {plotDir}");
            }
            Report(console, result, outPath, figures);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// <c>train --model qoe</c>: the QoE predictor is a regression, not a detector, so it has its own path — no labels,
    /// no threshold; R², MAE and RMSE on a held-out split instead.
    /// </summary>
    private static int TrainQoe(ParseResult parse, CliConsole console, string path, KpiReadOptions readOptions, TrainingOptions training, long seed, double testFraction, long splitSeed, string outPath)
    {
        var settings = training.Read(parse);
        var options = new QoePredictorOptions { Seed = seed, TestFraction = testFraction, SplitSeed = splitSeed };
        if (settings.Steps is { } st) options = options with { Steps = st };
        if (settings.BatchSize is { } bs) options = options with { BatchSize = bs };
        if (settings.LearningRate is { } lr) options = options with { LearningRate = lr };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        var table = KpiTableReader.Read(path, readOptions);
        console.Step($"Training the QoE predictor on {path} ({table.RowCount:N0} rows): {string.Join(", ", QoePredictor.InputColumns)} → {QoePredictor.TargetColumn}, seed {seed}");
        var result = console.Progress("train qoe", 1.0, (progress, status) =>
            QoePredictor.Train(table, options, new SyncProgress<TrainingProgress>(p =>
            {
                status($"step {p.Step:N0}/{p.Total:N0}, loss {p.Loss:G4}");
                progress.Report((double)p.Step / p.Total);
            })));
        result.Predictor.Info["dataSha256"] = Sha256(path);
        result.Predictor.Save(outPath);
        var t = new Table().Border(TableBorder.Rounded).Title("QoE predictor (downlink throughput)");
        t.AddColumn("split");
        foreach (var h in new[] { "rows", "R²", "MAE", "RMSE", "mean-predictor MAE", "mean-predictor R²" }) t.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (name, m) in new[] { ("train", result.TrainMetrics), ("test", result.TestMetrics) })
            if (m is not null) t.AddRow(name, m.Rows.ToString("N0", CultureInfo.InvariantCulture), F(m.R2), F(m.Mae), F(m.Rmse), F(m.MeanPredictorMae), F(m.MeanPredictorR2));
        console.Table(t);
        console.Result($"trained in {result.Seconds:F1} s; model written to [bold]{Markup.Escape(outPath)}[/]");
        console.WriteJson(new JsonObject
        {
            ["command"] = "train",
            ["model"] = outPath,
            ["kind"] = QoePredictor.KindName,
            ["inputs"] = new JsonArray([.. QoePredictor.InputColumns.Select(c => (JsonNode)c!)]),
            ["target"] = QoePredictor.TargetColumn,
            ["training"] = result.Predictor.Info.DeepClone(),
            ["train"] = QoeJson(result.TrainMetrics),
            ["test"] = result.TestMetrics is { } tm ? QoeJson(tm) : null,
            ["seconds"] = Math.Round(result.Seconds, 3),
        });
        return ExitCodes.Success;
    }

    private static JsonObject QoeJson(QoeMetrics m) => new()
    {
        ["rows"] = m.Rows,
        ["r2"] = m.R2,
        ["mae"] = m.Mae,
        ["rmse"] = m.Rmse,
        ["meanPredictorMae"] = m.MeanPredictorMae,
        ["meanPredictorR2"] = m.MeanPredictorR2,
    };

    /// <summary>Runs the protocol with a progress bar.</summary>
    internal static ExperimentResult Train(Output.CliConsole console, KpiTable table, IDetectorTrainer trainer, ExperimentOptions options)
    {
        return console.Progress($"train {trainer.Kind}", 1.0, (progress, status) =>
            DetectionExperiment.Run(table, trainer, options, new SyncProgress<TrainingProgress>(p =>
            {
                if (double.IsFinite(p.Loss)) status($"{p.Phase} step {p.Step:N0}/{p.Total:N0}, loss {p.Loss:G4}");
                progress.Report(p.Total > 0 ? (double)p.Step / p.Total : 0);
            })));
    }

    internal static void Report(Output.CliConsole console, ExperimentResult result, string outPath, IReadOnlyList<string>? figures = null)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"{result.Model.Info.Kind}, labels {result.Model.Info.Training["labelBudget"]}");
        t.AddColumn("split");
        foreach (var h in new[] { "accuracy", "precision", "recall", "F1", "ROC-AUC", "UAR" }) t.AddColumn(new TableColumn(h).RightAligned());
        if (result.Test is { } m)
            t.AddRow("test", F(m.Accuracy), F(m.Precision), F(m.Recall), F(m.F1), F(m.RocAuc), F(m.UnweightedAverageRecall));
        console.Table(t);
        console.Result($"threshold τ = {result.Model.Detector.Threshold:G6} ({Markup.Escape(result.Model.Detector.ScoreDescription)}); trained in {result.Seconds:F1} s; model written to [bold]{Markup.Escape(outPath)}[/]");
        console.WriteJson(new JsonObject
        {
            ["model"] = outPath,
            ["kind"] = result.Model.Info.Kind,
            ["score"] = result.Model.Detector.ScoreDescription,
            ["threshold"] = result.Model.Detector.Threshold,
            ["training"] = result.Model.Info.Training.DeepClone(),
            ["validation"] = result.Validation.DeepClone(),
            ["test"] = result.Test is { } tm ? MetricsJson(tm) : null,
            ["seconds"] = Math.Round(result.Seconds, 3),
            ["figures"] = new JsonArray([.. (figures ?? []).Select(f => (JsonNode)f!)]),
        });
    }

    internal static JsonObject MetricsJson(BinaryMetrics m) => new()
    {
        ["accuracy"] = m.Accuracy,
        ["precision"] = m.Precision,
        ["recall"] = m.Recall,
        ["f1"] = m.F1,
        ["rocAuc"] = m.RocAuc,
        ["averagePrecision"] = m.AveragePrecision,
        ["uar"] = m.UnweightedAverageRecall,
        ["confusion"] = new JsonObject { ["tn"] = m.Confusion.TrueNegatives, ["fp"] = m.Confusion.FalsePositives, ["fn"] = m.Confusion.FalseNegatives, ["tp"] = m.Confusion.TruePositives },
    };

    private static string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "–";

    internal static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
