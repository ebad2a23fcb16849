using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Adversarial;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Reporting;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly robustness</c>: the detector × attack × ε matrix, clean, under attack and after adversarial training.</summary>
internal static class RobustnessCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(CliHost host)
    {
        var data = new Option<string>("--data") { Description = "Labelled KPI data (CSV or UE report JSON).", Required = true };
        var models = new Option<string>("--models") { Description = "Detector kinds to train and attack, comma-separated (default mlp,ss-deepcae).", DefaultValueFactory = _ => "mlp,ss-deepcae" };
        var modelFiles = new Option<string[]>("--model-files") { Description = "Already trained model files to attack instead of training their kinds (same data and split).", AllowMultipleArgumentsPerToken = true };
        var attacks = new Option<string>("--attacks") { Description = "Attacks, comma-separated: fgsm, pgd, jsma (default all three).", DefaultValueFactory = _ => "fgsm,pgd,jsma" };
        var epsilons = new Option<string>("--epsilons") { Description = "Budgets ε in scaled units, comma-separated (default 0.05,0.1,0.2; for JSMA ε is the step θ).", DefaultValueFactory = _ => "0.05,0.1,0.2" };
        var goal = new Option<string>("--goal") { Description = "both (default: every test row pushed to the other class, as the SON paper), evade or alarm.", DefaultValueFactory = _ => "both" };
        var features = AttackCliOptions.FeaturesOption();
        var labels = new Option<string>("--labels") { Description = "Label budget of every training, a number or 'all' (default all).", DefaultValueFactory = _ => "all" };
        var seed = CliHost.SeedOption(42);
        var ratio = new Option<double>("--ratio") { Description = "Adversarial rows per labelled row in adversarial training (default 1).", DefaultValueFactory = _ => 1.0 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of adversarial training, each against the latest model (default 3).", DefaultValueFactory = _ => 3 };
        var noHarden = new Option<bool>("--no-harden") { Description = "Skip adversarial training (clean and under-attack figures only)." };
        var attackSteps = new Option<int>("--attack-steps") { Description = "PGD iterations (default 20).", DefaultValueFactory = _ => 20 };
        var gamma = new Option<double>("--gamma") { Description = "JSMA γ (default 0.5).", DefaultValueFactory = _ => 0.5 };
        var shapRows = new Option<int>("--shap-rows") { Description = "Attacked test rows explained (permutation SHAP) for the ranking next to the affected features (default 40; 0 = none).", DefaultValueFactory = _ => 40 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share held out as the test split.", DefaultValueFactory = _ => 0.2 };
        var splitSeed = new Option<long>("--split-seed") { Description = "Seed of the test split.", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "Directory for robustness.md and robustness.json.", Required = true };
        var plots = new Option<string?>("--plots") { Description = "Write figures (PNG and SVG) here: accuracy clean/attacked/defended per attack, accuracy vs ε, affected features next to the SHAP ranking." };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var training = new TrainingOptions();
        var command = new Command("robustness", "The robustness matrix: train each detector, attack its test split with every attack and ε, harden it by adversarial training and attack again; terminal table, Markdown, JSON and plots.");
        foreach (var o in new Option[] { data, models, modelFiles, attacks, epsilons, goal, features, labels, seed, ratio, rounds, noHarden, attackSteps, gamma, shapRows, testFraction, splitSeed, output, plots, json }) command.Options.Add(o);
        training.AddTo(command);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var kinds = Split(parse.GetValue(models)!);
            foreach (var k in kinds)
            {
                if (!DetectorTrainers.Kinds.Contains(k)) throw new UsageException($"--models {k}: expected some of {string.Join(", ", DetectorTrainers.Kinds)}.");
                if (k == IsolationForestDetector.KindName) throw new UsageException("--models iforest: the Isolation Forest has no input gradient, so FGSM, PGD and JSMA cannot attack it.");
                if (k == LstmAutoencoder.KindName) throw new UsageException("--models lstm-ae: the LSTM-AE scores windows of records; the attacks change single records (per-record detectors only).");
            }
            var methods = Split(parse.GetValue(attacks)!);
            foreach (var m in methods)
                if (!AttackSettings.Methods.Contains(m)) throw new UsageException($"--attacks {m}: expected some of {string.Join(", ", AttackSettings.Methods)}.");
            var eps = new List<double>();
            foreach (var e in Split(parse.GetValue(epsilons)!))
            {
                if (!double.TryParse(e, NumberStyles.Float, Inv, out double v) || !(v > 0) || !double.IsFinite(v))
                    throw new UsageException($"--epsilons {e}: expected positive numbers in scaled units (e.g. 0.05,0.1).");
                eps.Add(v);
            }
            if (methods.Count == 0 || eps.Count == 0) throw new UsageException("--attacks and --epsilons must name at least one attack and one ε.");
            long s = parse.GetValue(seed);
            var settings = new List<AttackSettings>();
            foreach (var m in methods)
                foreach (var e in eps)
                {
                    var a = new AttackSettings { Method = m, Epsilon = e, Steps = parse.GetValue(attackSteps), Gamma = parse.GetValue(gamma), Seed = s };
                    AttackCliOptions.Validate(a);
                    settings.Add(a);
                }
            var loaded = new List<DetectorModel>();
            foreach (var f in AttackCliOptions.Columns(parse.GetValue(modelFiles)) ?? []) loaded.Add(DetectorModel.Load(f));
            if (loaded.Count > 0 && parse.GetResult(models) is null) kinds = [];
            double testShare = parse.GetValue(testFraction);
            if (!(testShare > 0 && testShare < 1)) throw new UsageException($"--test-fraction {testShare}: expected a share in (0, 1); the matrix is measured on the held-out split.");

            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            var featureColumns = AttackCliOptions.Columns(parse.GetValue(features));
            var options = new RobustnessOptions
            {
                Kinds = kinds,
                Models = loaded,
                Attacks = settings,
                Training = training.Read(parse),
                Experiment = new ExperimentOptions
                {
                    LabelBudget = TrainingOptions.ParseBudget(parse.GetValue(labels)!),
                    Seed = s,
                    TestFraction = testShare,
                    SplitSeed = parse.GetValue(splitSeed),
                    DataSource = path,
                    DataSha256 = TrainCommand.Sha256(path),
                },
                Goal = AttackCliOptions.ParseGoal(parse.GetValue(goal)!),
                Features = featureColumns,
                Ratio = parse.GetValue(ratio),
                Rounds = parse.GetValue(rounds),
                Harden = !parse.GetValue(noHarden),
                ShapRows = Math.Max(0, parse.GetValue(shapRows)),
            };
            if (!(options.Ratio > 0)) throw new UsageException($"--ratio {options.Ratio}: expected a positive number.");
            if (options.Rounds < 1) throw new UsageException($"--rounds {options.Rounds}: expected at least 1.");
            // A wrong --features name should fail before any training: check it against a preprocessor of the data.
            if (featureColumns is not null) AttackCliOptions.Mask(Preprocessor.Fit(table), featureColumns);

            console.Step($"Robustness of {string.Join(", ", loaded.Select(m => m.Info.Kind).Concat(kinds).Distinct())} on {path} ({table.RowCount:N0} rows): {string.Join(", ", methods)} × ε {string.Join(", ", eps.Select(e => e.ToString("G3", Inv)))}, goal {AttackCliOptions.Name(options.Goal)}, labels {options.Experiment.BudgetName}, seed {s}");
            RobustnessReport report;
            try
            {
                report = console.Progress("robustness", 1.0, (progress, status) =>
                    RobustnessMatrix.Run(table, options, new Output.SyncProgress<RobustnessProgress>(p =>
                    {
                        status(p.Status);
                        progress.Report(p.Total > 0 ? (double)p.Done / p.Total : 0);
                    })));
            }
            catch (NotSupportedException e)
            {
                throw new UsageException(e.Message);
            }

            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var node = Json(report, path);
            List<string> figures = [];
            if (parse.GetValue(plots) is { } plotDir)
            {
                figures = Figures(plotDir, report);
                node["figures"] = new JsonArray([.. figures.Select(f => (JsonNode)f!)]);
                console.Note($"{figures.Count} figure files written to {plotDir}");
            }
            var jsonText = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            File.WriteAllText(Path.Combine(dir, "robustness.json"), jsonText + "\n");
            File.WriteAllText(Path.Combine(dir, "robustness.md"), Markdown(report, path));
            console.Table(TerminalTable(report));
            console.Result($"matrix written to [bold]{Markup.Escape(Path.Combine(dir, "robustness.md"))}[/] and robustness.json ({report.Seconds:F0} s)");
            console.WriteJson(node);
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Table TerminalTable(RobustnessReport report)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"robustness on the test split ({report.TestRows:N0} rows), goal {AttackCliOptions.Name(report.Goal)}, labels {report.LabelBudget}");
        foreach (var h in new[] { "model", "attack", "ε", "clean acc.", "clean UAR", "attack acc.", "attack UAR", "success", "features", "ms/ex.", "hardened acc.", "hardened UAR", "top affected" })
            t.AddColumn(new TableColumn(h));
        foreach (var c in report.Cells)
            t.AddRow(c.Kind, c.Attack.Method, c.Attack.Epsilon.ToString("G3", Inv), F(c.CleanAccuracy), F(c.CleanUar), F(c.AttackAccuracy), F(c.AttackUar), F(c.SuccessRate),
                c.MeanFeaturesChanged.ToString("F1", Inv), c.MillisecondsPerExample.ToString("F3", Inv), F(c.HardenedAttackAccuracy), F(c.HardenedAttackUar), Markup.Escape(string.Join(", ", c.Affected.Features.Take(3).Select(f => f.Name))));
        return t;
    }

    internal static string Markdown(RobustnessReport report, string data)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Robustness matrix").AppendLine();
        sb.AppendLine(Inv, $"Data `{data}`, test split {report.TestRows:N0} rows, label budget {report.LabelBudget}, goal `{AttackCliOptions.Name(report.Goal)}`; ε in scaled units (share of each feature's training range; for JSMA the step θ). Accuracy/UAR on the held-out test split: clean, under attack, and for the adversarially trained model under the same attack run against it.").AppendLine();
        foreach (var (kind, cols) in report.Features) sb.AppendLine(Inv, $"- {kind}: attackable features {string.Join(", ", cols)}");
        sb.AppendLine();
        sb.AppendLine("| model | attack | ε | clean acc. | clean UAR | attack acc. | attack UAR | success | features changed | ms / example | hardened clean acc. | hardened attack acc. | hardened attack UAR | hardened success | top affected (SHAP rank) | Spearman |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in report.Cells)
        {
            var top = string.Join(", ", c.Affected.Features.Take(3).Select(f => f.ShapRank is { } r ? $"{f.Name} ({r})" : f.Name));
            sb.AppendLine(Inv, $"| {c.Kind} | {c.Attack.Method} | {c.Attack.Epsilon:G3} | {F(c.CleanAccuracy)} | {F(c.CleanUar)} | {F(c.AttackAccuracy)} | {F(c.AttackUar)} | {F(c.SuccessRate)} | {c.MeanFeaturesChanged:F1} | {c.MillisecondsPerExample:F3} | {F(c.HardenedCleanAccuracy)} | {F(c.HardenedAttackAccuracy)} | {F(c.HardenedAttackUar)} | {F(c.HardenedSuccessRate)} | {top} | {F(c.Affected.SpearmanWithShap)} |");
        }
        sb.AppendLine().AppendLine(Inv, $"Run time {report.Seconds:F0} s. Scores: {string.Join("; ", report.Cells.Select(c => $"{c.Kind}: {c.Score}").Distinct())}.");
        return sb.ToString();
    }

    internal static JsonObject Json(RobustnessReport report, string data)
    {
        var cells = new JsonArray();
        foreach (var c in report.Cells)
        {
            cells.Add(new JsonObject
            {
                ["kind"] = c.Kind,
                ["score"] = c.Score,
                ["attack"] = c.Attack.ToJson(),
                ["clean"] = new JsonObject { ["accuracy"] = c.CleanAccuracy, ["uar"] = c.CleanUar },
                ["underAttack"] = new JsonObject { ["accuracy"] = c.AttackAccuracy, ["uar"] = c.AttackUar },
                ["successRate"] = c.SuccessRate,
                ["meanFeaturesChanged"] = c.MeanFeaturesChanged,
                ["millisecondsPerExample"] = c.MillisecondsPerExample,
                ["hardened"] = c.HardenedAttackAccuracy is null ? null : new JsonObject
                {
                    ["clean"] = new JsonObject { ["accuracy"] = c.HardenedCleanAccuracy, ["uar"] = c.HardenedCleanUar },
                    ["underAttack"] = new JsonObject { ["accuracy"] = c.HardenedAttackAccuracy, ["uar"] = c.HardenedAttackUar },
                    ["successRate"] = c.HardenedSuccessRate,
                    ["meanFeaturesChanged"] = c.HardenedMeanFeaturesChanged,
                    ["seconds"] = c.HardenSeconds,
                },
                ["affectedFeatures"] = AttackCliOptions.Affected(c.Affected, 10),
                ["shapMethod"] = c.Affected.ShapMethod,
                ["spearmanWithShap"] = c.Affected.SpearmanWithShap,
            });
        }
        var features = new JsonObject();
        foreach (var (kind, cols) in report.Features) features[kind] = new JsonArray([.. cols.Select(c => (JsonNode)c!)]);
        return new JsonObject
        {
            ["command"] = "robustness",
            ["data"] = data,
            ["goal"] = AttackCliOptions.Name(report.Goal),
            ["labelBudget"] = report.LabelBudget,
            ["testRows"] = report.TestRows,
            ["features"] = features,
            ["cells"] = cells,
            ["seconds"] = Math.Round(report.Seconds, 1),
        };
    }

    internal static List<string> Figures(string dir, RobustnessReport report)
    {
        var files = new List<string>();
        var kinds = report.Cells.Select(c => c.Kind).Distinct().ToList();
        foreach (var method in report.Cells.Select(c => c.Attack.Method).Distinct())
        {
            var cells = report.Cells.Where(c => c.Attack.Method == method).ToList();
            var cats = cells.Select(c => $"{c.Kind} ε={c.Attack.Epsilon.ToString("G3", Inv)}").ToList();
            var series = new List<BarSeries>
            {
                new("clean", cells.Select(c => c.CleanAccuracy).ToList()),
                new($"under {method}", cells.Select(c => c.AttackAccuracy).ToList()),
            };
            if (cells.All(c => c.HardenedAttackAccuracy is not null))
                series.Add(new("adversarially trained, under attack", cells.Select(c => c.HardenedAttackAccuracy!.Value).ToList()));
            files.AddRange(new Xainomaly.Reporting.BarChart($"Accuracy before and after {method.ToUpperInvariant()}, and after adversarial training", "", "accuracy", cats, series).SaveBoth(dir, $"robustness-{method}-bars"));
        }
        foreach (var kind in kinds)
        {
            var lines = new List<LineSeries>();
            foreach (var method in report.Cells.Select(c => c.Attack.Method).Distinct())
            {
                var cells = report.Cells.Where(c => c.Kind == kind && c.Attack.Method == method).OrderBy(c => c.Attack.Epsilon).ToList();
                if (cells.Count == 0) continue;
                var xs = new List<double> { 0 };
                xs.AddRange(cells.Select(c => c.Attack.Epsilon));
                var ys = new List<double> { cells[0].CleanAccuracy };
                ys.AddRange(cells.Select(c => c.AttackAccuracy));
                lines.Add(new LineSeries(method, xs, ys));
                if (cells.All(c => c.HardenedAttackAccuracy is not null))
                {
                    var hy = new List<double> { cells[0].HardenedCleanAccuracy!.Value };
                    hy.AddRange(cells.Select(c => c.HardenedAttackAccuracy!.Value));
                    lines.Add(new LineSeries($"{method}, adversarially trained", xs, hy));
                }
            }
            files.AddRange(new LineChart($"{kind}: accuracy under attack vs ε", "ε (scaled units)", "accuracy", lines) { YRange = (0, 1) }.SaveBoth(dir, $"robustness-{kind}-epsilon"));
            foreach (var cell in report.Cells.Where(c => c.Kind == kind).GroupBy(c => c.Attack.Method).Select(g => g.OrderBy(c => c.Attack.Epsilon).Last()))
            {
                var top = cell.Affected.Features.Take(12).ToList();
                if (top.Count == 0) continue;
                int attacked = Math.Max(1, cell.Affected.AttackedRows);
                var series = new List<BarSeries> { new("share of attacked rows changed", top.Select(f => (double)f.RowsChanged / attacked).ToList()) };
                double maxShap = top.Max(f => f.MeanAbsShap ?? 0);
                if (maxShap > 0) series.Add(new("mean |φ| (relative to the largest)", top.Select(f => (f.MeanAbsShap ?? 0) / maxShap).ToList()));
                files.AddRange(new Xainomaly.Reporting.BarChart($"{kind}: features {cell.Attack.Method.ToUpperInvariant()} (ε = {cell.Attack.Epsilon.ToString("G3", Inv)}) changed, next to the SHAP ranking", "", "share", top.Select(f => f.Name).ToList(), series, horizontal: true)
                    .SaveBoth(dir, $"robustness-{kind}-{cell.Attack.Method}-affected"));
            }
        }
        return files;
    }

    private static string F(double? v) => AttackCliOptions.F(v);
}
