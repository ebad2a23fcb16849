using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Explanation;
using Xainomaly.Reporting;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly explain</c>: Shapley values of a saved model's output for rows of a KPI file, by any method.</summary>
internal static class ExplainCommand
{
    private const int MaxWaterfalls = 10;
    private static readonly string[] Methods = ["exact", "permutation", "kernel", "fastshap", "fastshap-c"];
    private static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file written by 'xainomaly train'.", Required = true };
        var data = new Option<string>("--data") { Description = "KPI data (CSV or UE report JSON): the rows to explain and, for exact/permutation/kernel, the background sample.", Required = true };
        var rows = new Option<int?>("--rows") { Description = "Explain the first N rows (default 10); with --anomalies, at most N flagged rows." };
        var anomalies = new Option<bool>("--anomalies") { Description = "Explain the rows the model flags as anomalous." };
        var method = new Option<string>("--method") { Description = "exact | permutation | kernel | fastshap | fastshap-c (default: fastshap-c with --explainer, else kernel)." };
        method.AcceptOnlyFromAmong(Methods);
        var explainerPath = new Option<string?>("--explainer") { Description = "Explainer file written by 'xainomaly fit-explainer' (needed by fastshap and fastshap-c)." };
        var background = new Option<int>("--background") { Description = "Background rows (a seeded sample of --data) for exact, permutation and kernel.", DefaultValueFactory = _ => 100 };
        var coalitions = new Option<int?>("--coalitions") { Description = "fastshap-c: coalitions for CS/EM (default 32); kernel: coalitions per row (default 2·d + 2048); permutation: permutations per row (default 20)." };
        var explained = new Option<string>("--output") { Description = "Explained output for exact/permutation/kernel: score or probability (fastshap uses the explainer's).", DefaultValueFactory = _ => "score" };
        var top = new Option<int>("--top") { Description = "Features shown per row in the terminal view.", DefaultValueFactory = _ => 5 };
        var seed = CliHost.SeedOption();
        var json = CliHost.JsonOption();
        var outDir = new Option<string?>("--out") { Description = "Directory to write explain.json (the same object --json prints)." };
        var plots = new Option<string?>("--plots") { Description = "Write figures (PNG and SVG): SHAP summary beeswarm and mean |φ| bars over the explained rows, and a waterfall per row (first 10)." };
        var dataOptions = new DataOptions();
        var command = new Command("explain", "Explain a saved model's anomaly score (or probability) for rows of a KPI file with Shapley values: exact, permutation sampling, KernelSHAP, FastSHAP or fastSHAP-C (with the confidence score CS and error metric EM).");
        foreach (var o in new Option[] { modelPath, data, rows, anomalies, method, explainerPath, background, coalitions, explained, top, seed, json, outDir, plots }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            int? rowLimit = parse.GetValue(rows);
            if (rowLimit is <= 0) throw new UsageException($"--rows {rowLimit}: expected at least 1 row.");
            int topK = parse.GetValue(top);
            if (topK < 1) throw new UsageException($"--top {topK}: expected at least 1 feature.");
            int backgroundSize = parse.GetValue(background);
            if (backgroundSize < 1) throw new UsageException($"--background {backgroundSize}: expected at least 1 row.");
            if (parse.GetValue(coalitions) is <= 0) throw new UsageException($"--coalitions {parse.GetValue(coalitions)}: expected at least 1.");
            var explainerFile = parse.GetValue(explainerPath);
            string chosen = parse.GetValue(method) ?? (explainerFile is null ? "kernel" : "fastshap-c");
            bool fast = chosen is "fastshap" or "fastshap-c";
            if (fast && explainerFile is null)
                throw new UsageException($"--method {chosen}: model without explainer: run xainomaly fit-explainer --model {parse.GetValue(modelPath)} --data TRAINING-DATA --out FILE, then pass --explainer FILE.");
            long seedValue = parse.GetValue(seed);

            var modelFile = parse.GetValue(modelPath)!;
            var model = DetectorModel.Load(modelFile);
            var dataPath = parse.GetValue(data)!;
            var table = KpiTableReader.Read(dataPath, dataOptions.Read(parse));
            if (table.RowCount == 0) throw new DataFormatException(dataPath, "no rows to explain.");
            var x = model.Inputs(table, out _);
            int d = model.Detector.InputWidth;
            int total = x.Length / d;
            var names = model.InputFeatureNames;

            int[] selected;
            if (parse.GetValue(anomalies))
            {
                var scores = new float[total];
                model.Detector.Score(x, total, scores);
                var flagged = new List<int>();
                for (int i = 0; i < total && (rowLimit is null || flagged.Count < rowLimit); i++)
                    if (scores[i] > model.Detector.Threshold) flagged.Add(i);
                if (flagged.Count == 0) throw new DataFormatException(dataPath, $"the model flags none of the {total:N0} rows as anomalous (τ = {model.Detector.Threshold:G6}); nothing to explain.");
                selected = [.. flagged];
            }
            else
            {
                int n = Math.Min(rowLimit ?? 10, total);
                selected = new int[n];
                for (int i = 0; i < n; i++) selected[i] = i;
            }
            var xs = new double[selected.Length * d];
            for (int r = 0; r < selected.Length; r++)
                for (int j = 0; j < d; j++) xs[r * d + j] = x[selected[r] * d + j];

            string outputKind;
            ExplanationSet set;
            var clock = Stopwatch.StartNew();
            try
            {
                if (fast)
                {
                    var bound = ExplainerModel.Load(explainerFile!, model);
                    outputKind = bound.Output == FastShapOutput.Score ? "score" : "probability";
                    console.Step($"{chosen}: {selected.Length:N0} rows, {d} features, background {bound.Explainer.Background.Count} rows");
                    set = chosen == "fastshap"
                        ? bound.Explainer.Explain(xs, selected.Length)
                        : bound.Explainer.ExplainWithConfidence(xs, selected.Length, parse.GetValue(coalitions) ?? 32, seedValue);
                }
                else
                {
                    var output = ParseOutput(parse.GetValue(explained)!);
                    outputKind = output == FastShapOutput.Score ? "score" : "probability";
                    var f = ExplainerModel.ModelFunctionFor(model, output);
                    var bg = BackgroundSet.Sample(x, d, backgroundSize, seedValue);
                    var v = new ValueFunction(f, bg, names);
                    int? c = parse.GetValue(coalitions);
                    IShapleyExplainer explainer = chosen switch
                    {
                        "exact" => new ExactShapleyExplainer(v),
                        "permutation" => new PermutationExplainer(v, new PermutationExplainerOptions(c ?? 20, seedValue)),
                        _ => new KernelShapExplainer(v, new KernelShapOptions(c, seedValue)),
                    };
                    console.Step($"{chosen}: {selected.Length:N0} rows, {d} features, background {bg.Count} rows");
                    set = console.Progress($"explain {chosen}", 1.0, _ => explainer.Explain(xs, selected.Length));
                }
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            double seconds = clock.Elapsed.TotalSeconds;

            var result = ToJson(set, chosen, outputKind, modelFile, dataPath, selected, seconds);
            ShowRows(console, set, selected, topK);
            if (set.ConfidenceScores is not null)
            {
                var s = ConfidenceSummary.From(set);
                console.Result($"CS mean {s.MeanCs:G4} (median {s.MedianCs:G4}, p90 {s.P90Cs:G4}); EM mean {s.MeanEm:G4} (median {s.MedianEm:G4}, p90 {s.P90Em:G4}); max |efficiency gap| {s.MaxAbsEfficiencyGap:G3}");
            }
            console.Result($"Explained {set.Count:N0} rows with {chosen} in {seconds:F3} s ({set.ModelEvaluations:N0} model evaluations).");
            if (parse.GetValue(outDir) is { } dir)
            {
                Directory.CreateDirectory(dir);
                var file = Path.Combine(dir, "explain.json");
                File.WriteAllText(file, result.ToJsonString(FileJson));
                console.Note($"Wrote {file}");
            }
            if (parse.GetValue(plots) is { } plotDir)
            {
                var files = WritePlots(plotDir, set, chosen, outputKind, selected);
                console.Note($"Wrote {files.Count} figure files to {plotDir}");
            }
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Parses --output (score | probability).</summary>
    internal static FastShapOutput ParseOutput(string text) => text.ToLowerInvariant() switch
    {
        "score" => FastShapOutput.Score,
        "probability" => FastShapOutput.Probability,
        _ => throw new UsageException($"--output {text}: expected score or probability."),
    };

    private static JsonObject ToJson(ExplanationSet set, string method, string output, string model, string data, int[] selected, double seconds)
    {
        int d = set.Width;
        var rowsJson = new JsonArray();
        for (int r = 0; r < set.Count; r++)
        {
            var row = new JsonObject
            {
                ["row"] = selected[r],
                ["baseValue"] = set.BaseValues[r],
                ["output"] = set.Outputs[r],
                ["values"] = new JsonArray([.. set.ValuesOf(r).ToArray().Select(v => (JsonNode)v)]),
            };
            if (set.ConfidenceScores is { } cs) row["cs"] = cs[r];
            if (set.ErrorMetrics is { } em) row["em"] = em[r];
            if (set.EfficiencyGaps is { } gaps) row["efficiencyGap"] = gaps[r];
            rowsJson.Add(row);
        }
        var meanAbs = MeanAbs(set);
        var aggregate = new JsonObject
        {
            ["rows"] = set.Count,
            ["meanAbsValues"] = new JsonArray([.. meanAbs.Select(v => (JsonNode)v)]),
            ["modelEvaluations"] = set.ModelEvaluations,
        };
        if (set.ConfidenceScores is not null)
        {
            var s = ConfidenceSummary.From(set);
            aggregate["cs"] = new JsonObject { ["mean"] = s.MeanCs, ["median"] = s.MedianCs, ["p90"] = s.P90Cs };
            aggregate["em"] = new JsonObject { ["mean"] = s.MeanEm, ["median"] = s.MedianEm, ["p90"] = s.P90Em };
            aggregate["maxAbsEfficiencyGap"] = s.MaxAbsEfficiencyGap;
        }
        return new JsonObject
        {
            ["command"] = "explain",
            ["method"] = method,
            ["model"] = model,
            ["data"] = data,
            ["output"] = output,
            ["features"] = new JsonArray([.. set.FeatureNames.Select(n => (JsonNode)n!)]),
            ["rows"] = rowsJson,
            ["aggregate"] = aggregate,
            ["seconds"] = Math.Round(seconds, 6),
        };
    }

    private static double[] MeanAbs(ExplanationSet set)
    {
        int d = set.Width;
        var m = new double[d];
        for (int r = 0; r < set.Count; r++)
        {
            var phi = set.ValuesOf(r);
            for (int j = 0; j < d; j++) m[j] += Math.Abs(phi[j]);
        }
        for (int j = 0; j < d; j++) m[j] /= Math.Max(1, set.Count);
        return m;
    }

    /// <summary>Per row: f(x), the base value and the top-K features by |φ| with signed bars (red raises the output).</summary>
    private static void ShowRows(CliConsole console, ExplanationSet set, int[] selected, int topK)
    {
        if (console.Json) return;
        int d = set.Width;
        int k = Math.Min(topK, d);
        var order = new int[d];
        for (int r = 0; r < set.Count; r++)
        {
            var phi = set.ValuesOf(r).ToArray();
            for (int j = 0; j < d; j++) order[j] = j;
            Array.Sort(order, (a, b) => Math.Abs(phi[b]).CompareTo(Math.Abs(phi[a])));
            double max = Math.Abs(phi[order[0]]);
            var title = $"row {selected[r]}: f(x) = {Fmt(set.Outputs[r])}, E f = {Fmt(set.BaseValues[r])}";
            if (set.ConfidenceScores is { } cs) title += $", CS = {Fmt(cs[r])}, EM = {Fmt(set.ErrorMetrics![r])}";
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
            table.AddColumn("feature");
            table.AddColumn(new TableColumn("value").RightAligned());
            table.AddColumn(new TableColumn("φ").RightAligned());
            table.AddColumn("");
            for (int i = 0; i < k; i++)
            {
                int j = order[i];
                int width = max > 0 ? (int)Math.Round(20 * Math.Abs(phi[j]) / max) : 0;
                string bar = width == 0 ? "" : $"[{(phi[j] >= 0 ? "red" : "blue")}]{new string('█', width)}[/]";
                table.AddRow(Markup.Escape(set.FeatureNames[j]), Fmt(set.Data[r * d + j]), (phi[j] >= 0 ? "+" : "") + Fmt(phi[j]), bar);
            }
            if (d > k)
            {
                double rest = 0;
                for (int i = k; i < d; i++) rest += phi[order[i]];
                table.AddRow($"[grey]{d - k} other features[/]", "", (rest >= 0 ? "+" : "") + Fmt(rest), "");
            }
            console.Table(table);
        }
    }

    private static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static List<string> WritePlots(string dir, ExplanationSet set, string method, string output, int[] selected)
    {
        var files = new List<string>();
        int d = set.Width;
        string valueLabel = output == "score" ? "SHAP value (impact on anomaly score)" : "SHAP value (impact on anomaly probability)";
        var phi = new List<IReadOnlyList<double>>();
        var values = new List<IReadOnlyList<double>>();
        for (int r = 0; r < set.Count; r++)
        {
            phi.Add(set.ValuesOf(r).ToArray());
            values.Add(set.Data.AsSpan(r * d, d).ToArray());
        }
        var summary = new ShapSummaryChart($"{method}: SHAP summary over {set.Count} rows", set.FeatureNames, phi, values) { ValueLabel = valueLabel };
        files.AddRange(summary.SaveBoth(dir, $"{method}-summary"));
        files.AddRange(Xainomaly.Reporting.BarChart.Ranked($"{method}: mean |φ| over {set.Count} rows", "mean |SHAP value|", set.FeatureNames, MeanAbs(set)).SaveBoth(dir, $"{method}-mean-abs"));
        for (int r = 0; r < Math.Min(set.Count, MaxWaterfalls); r++)
        {
            var chart = new WaterfallChart($"{method}: row {selected[r]}", set.FeatureNames, set.ValuesOf(r).ToArray(), set.BaseValues[r], set.Data.AsSpan(r * d, d).ToArray())
            {
                ValueLabel = output == "score" ? "model output (anomaly score)" : "model output (anomaly probability)",
            };
            files.AddRange(chart.SaveBoth(dir, $"{method}-waterfall-row{selected[r]}"));
        }
        return files;
    }
}
