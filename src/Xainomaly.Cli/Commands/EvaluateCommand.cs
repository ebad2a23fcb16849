using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly evaluate</c>: a saved model's metrics on labelled data.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file written by 'xainomaly train'.", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled KPI data (CSV or UE report JSON).", Required = true };
        var json = CliHost.JsonOption();
        var outDir = new Option<string?>("--out") { Description = "Also write the result to DIR/evaluate-<model kind>.json for 'xainomaly report'." };
        var dataOptions = new DataOptions();
        var command = new Command("evaluate", "Score labelled data with a saved model: accuracy, precision, recall, F1, ROC-AUC, average precision, UAR, confusion matrix.");
        foreach (var o in new Option[] { modelPath, data, outDir, json }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var model = DetectorModel.Load(parse.GetValue(modelPath)!);
            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            var scored = model.Score(table);
            var labels = table.Labels();
            var m = BinaryMetrics.Compute(labels, scored.Scores, scored.Threshold);
            var t = new Table().Border(TableBorder.Rounded).Title($"{model.Info.Kind} on {Markup.Escape(path)} ({table.RowCount:N0} rows)");
            t.AddColumn("metric");
            t.AddColumn(new TableColumn("value").RightAligned());
            foreach (var (name, value) in new (string, double?)[]
            {
                ("accuracy", m.Accuracy), ("precision", m.Precision), ("recall", m.Recall), ("F1", m.F1),
                ("ROC-AUC", m.RocAuc), ("average precision", m.AveragePrecision), ("UAR", m.UnweightedAverageRecall),
            })
                t.AddRow(name, value is { } v ? v.ToString("F4", CultureInfo.InvariantCulture) : "–");
            t.AddRow("confusion (TN FP / FN TP)", $"{m.Confusion.TrueNegatives} {m.Confusion.FalsePositives} / {m.Confusion.FalseNegatives} {m.Confusion.TruePositives}");
            console.Table(t);
            if (scored.Report.TotalUnseen > 0 || scored.Report.TotalOutOfRange > 0)
                console.Note($"preprocessing: {scored.Report.TotalUnseen} unseen categories, {scored.Report.TotalOutOfRange} values outside the training range");
            var result = new JsonObject { ["command"] = "evaluate" };
            foreach (var (key, value) in TrainCommand.MetricsJson(m)) result[key] = value?.DeepClone();
            result["model"] = parse.GetValue(modelPath);
            result["kind"] = model.Info.Kind;
            result["data"] = path;
            result["rows"] = table.RowCount;
            result["threshold"] = scored.Threshold;
            result["unseenCategories"] = scored.Report.TotalUnseen;
            result["outOfRangeValues"] = scored.Report.TotalOutOfRange;
            result["run"] = Output.ResultFiles.Provenance(parse);
            if (parse.GetValue(outDir) is { } dir) Output.ResultFiles.Write(dir, $"evaluate-{model.Info.Kind}.json", result);
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }
}
