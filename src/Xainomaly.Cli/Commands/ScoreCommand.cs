using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly score</c>: per-row scores and decisions of a saved model, as CSV.</summary>
internal static class ScoreCommand
{
    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file written by 'xainomaly train'.", Required = true };
        var data = new Option<string>("--data") { Description = "KPI data to score (CSV or UE report JSON; labels not needed).", Required = true };
        var output = new Option<string>("--out") { Description = "CSV to write: row, context columns, score, decision and the score's parts (e.g. RE, ‖z‖).", Required = true };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var command = new Command("score", "Score every row of a KPI file with a saved model and write the scores, decisions and score parts as CSV.");
        foreach (var o in new Option[] { modelPath, data, output, json }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var model = DetectorModel.Load(parse.GetValue(modelPath)!);
            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse));
            var x = model.Inputs(table, out var report);
            var scores = new float[table.RowCount];
            model.Detector.Score(x, table.RowCount, scores);
            string[] partNames = [];
            float[] parts = [];
            if (model.Detector is IScoreComponents components)
            {
                partNames = [.. components.ComponentNames];
                parts = new float[table.RowCount * partNames.Length];
                components.Components(x, table.RowCount, parts);
            }
            var context = table.Columns.Where(c => c.Role is ColumnRole.Identifier or ColumnRole.Timestamp or ColumnRole.Label).ToList();
            var outPath = parse.GetValue(output)!;
            int flagged = Write(outPath, table, context, scores, model.Detector.Threshold, partNames, parts);
            console.Result($"Scored {table.RowCount:N0} rows: {flagged:N0} anomalous (τ = {model.Detector.Threshold:G6}); written to [bold]{Spectre.Console.Markup.Escape(outPath)}[/]");
            console.WriteJson(new JsonObject
            {
                ["model"] = parse.GetValue(modelPath),
                ["data"] = path,
                ["out"] = outPath,
                ["rows"] = table.RowCount,
                ["anomalous"] = flagged,
                ["threshold"] = model.Detector.Threshold,
                ["unseenCategories"] = report.TotalUnseen,
                ["outOfRangeValues"] = report.TotalOutOfRange,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Write(string path, KpiTable table, List<KpiColumn> context, float[] scores, double threshold, string[] partNames, float[] parts)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.NewLine = "\n";
        var header = new List<string> { "row" };
        header.AddRange(context.Select(c => c.Name));
        header.Add("score");
        header.Add("anomalous");
        header.AddRange(partNames);
        w.WriteLine(string.Join(',', header.Select(Quote)));
        int flagged = 0;
        var sb = new StringBuilder();
        for (int i = 0; i < table.RowCount; i++)
        {
            sb.Clear();
            sb.Append(i.ToString(CultureInfo.InvariantCulture));
            foreach (var c in context) sb.Append(',').Append(Quote(c.FormatValue(i)));
            bool anomalous = scores[i] > threshold;
            flagged += anomalous ? 1 : 0;
            sb.Append(',').Append(scores[i].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(anomalous ? '1' : '0');
            for (int p = 0; p < partNames.Length; p++) sb.Append(',').Append(parts[i * partNames.Length + p].ToString("R", CultureInfo.InvariantCulture));
            w.WriteLine(sb.ToString());
        }
        return flagged;
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
