using System.CommandLine;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Adversarial;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly attack</c>: white-box FGSM, PGD or JSMA against a saved model; writes the adversarial data.</summary>
internal static class AttackCommand
{
    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file to attack (a neural detector: ss-deepcae, mlp, autoencoders).", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled KPI data to attack (CSV or UE report JSON).", Required = true };
        var method = new Option<string>("--method") { Description = "Attack: fgsm, pgd or jsma.", Required = true };
        method.AcceptOnlyFromAmong([.. AttackSettings.Methods]);
        var epsilon = new Option<double>("--epsilon") { Description = "Budget ε in scaled units (share of each feature's training range; the output shows it in dB/dBm/…): FGSM step, PGD ball radius, JSMA step θ unless --theta.", Required = true };
        var goal = new Option<string>("--goal") { Description = "evade: anomalies scored normal (default); alarm: normal rows scored anomalous; both: every row pushed to the other class.", DefaultValueFactory = _ => "evade" };
        var features = AttackCliOptions.FeaturesOption();
        var steps = new Option<int>("--steps") { Description = "PGD iterations (default 20).", DefaultValueFactory = _ => 20 };
        var stepSize = new Option<double?>("--step-size") { Description = "PGD step α in scaled units (default ε/4)." };
        var theta = new Option<double?>("--theta") { Description = "JSMA change per step θ in scaled units (default ε)." };
        var gamma = new Option<double>("--gamma") { Description = "JSMA: largest share γ of the attackable features changed (default 0.5).", DefaultValueFactory = _ => 0.5 };
        var targeted = new Option<bool>("--targeted") { Description = "FGSM: step against the target class's loss instead of along the true class's loss." };
        var seed = CliHost.SeedOption(42);
        var output = new Option<string>("--out") { Description = "Adversarial data to write (CSV): every input column and row in order, attacked values replaced in physical units.", Required = true };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var command = new Command("attack", "Attack a saved model white-box (FGSM, PGD, JSMA) within a feature mask and the valid range; report accuracy/UAR before and after, success rate, features changed and the most affected features; write the adversarial data.");
        foreach (var o in new Option[] { modelPath, data, method, epsilon, goal, features, steps, stepSize, theta, gamma, targeted, seed, output, json }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var settings = new AttackSettings
            {
                Method = parse.GetValue(method)!,
                Epsilon = parse.GetValue(epsilon),
                Steps = parse.GetValue(steps),
                StepSize = parse.GetValue(stepSize),
                Theta = parse.GetValue(theta),
                Gamma = parse.GetValue(gamma),
                Targeted = parse.GetValue(targeted),
                Seed = parse.GetValue(seed),
            };
            AttackCliOptions.Validate(settings);
            var g = AttackCliOptions.ParseGoal(parse.GetValue(goal)!);
            var modelFile = parse.GetValue(modelPath)!;
            var model = DetectorModel.Load(modelFile);
            var mask = AttackCliOptions.Mask(model.Preprocessor, AttackCliOptions.Columns(parse.GetValue(features)));
            var attack = AttackCliOptions.Create(settings, model, mask);
            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            var labels = table.Labels();
            var x = model.Inputs(table, out _);
            console.Step($"{settings.Method.ToUpperInvariant()} (ε = {settings.Epsilon:G3}: {AttackCliOptions.PhysicalEpsilonText(model.Preprocessor, mask, settings.Epsilon)}) on {model.Info.Kind}, goal {AttackCliOptions.Name(g)}, {mask.Count} attackable features, {table.RowCount:N0} rows");
            var result = console.Progress($"attack {settings.Method}", 1.0, p =>
            {
                var r = attack.Generate(x, labels, table.RowCount, g);
                p.Report(1.0);
                return r;
            });
            var before = BinaryMetrics.Compute(labels, result.ScoresBefore, result.Threshold);
            var after = BinaryMetrics.Compute(labels, result.ScoresAfter, result.Threshold);
            var affected = AffectedFeatures.Compute(x, result, mask, model.Preprocessor.Features);
            var outPath = parse.GetValue(output)!;
            KpiCsvWriter.Write(AdversarialTable.Build(table, model.Preprocessor, x, result.Adversarial), outPath);

            var t = new Table().Border(TableBorder.Rounded).Title($"{settings.Method} on {model.Info.Kind}, goal {AttackCliOptions.Name(g)}");
            t.AddColumn("");
            t.AddColumn(new TableColumn("accuracy").RightAligned());
            t.AddColumn(new TableColumn("UAR").RightAligned());
            t.AddColumn(new TableColumn("recall").RightAligned());
            t.AddRow("clean", AttackCliOptions.F(before.Accuracy), AttackCliOptions.F(before.UnweightedAverageRecall), AttackCliOptions.F(before.Recall));
            t.AddRow("under attack", AttackCliOptions.F(after.Accuracy), AttackCliOptions.F(after.UnweightedAverageRecall), AttackCliOptions.F(after.Recall));
            console.Table(t);
            console.Result($"attacked {result.Attacked:N0} rows; success rate {AttackCliOptions.F(result.SuccessRate)}; {result.MeanFeaturesChanged:F1} features changed on average (L∞ {result.MeanLInf:F3}); {result.MillisecondsPerExample:F3} ms per example");
            var ft = new Table().Border(TableBorder.Rounded).Title("most affected features");
            foreach (var h in new[] { "rank", "feature", "rows changed", "mean |Δ|" }) ft.AddColumn(h);
            foreach (var f in affected.Features.Take(10))
                ft.AddRow(f.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(f.Name), f.RowsChanged.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape($"{f.MeanAbsDeltaPhysical:G4} {f.Unit}".TrimEnd()));
            console.Table(ft);
            console.Result($"adversarial data written to [bold]{Markup.Escape(outPath)}[/]");
            console.WriteJson(new JsonObject
            {
                ["command"] = "attack",
                ["model"] = modelFile,
                ["kind"] = model.Info.Kind,
                ["score"] = model.Detector.ScoreDescription,
                ["threshold"] = result.Threshold,
                ["data"] = path,
                ["out"] = outPath,
                ["attack"] = settings.ToJson(),
                ["goal"] = AttackCliOptions.Name(g),
                ["features"] = new JsonArray([.. mask.Columns.Select(c => (JsonNode)c!)]),
                ["epsilonPhysical"] = AttackCliOptions.PhysicalEpsilon(model.Preprocessor, mask, settings.Epsilon),
                ["rows"] = table.RowCount,
                ["attacked"] = result.Attacked,
                ["before"] = AttackCliOptions.Metrics(before),
                ["after"] = AttackCliOptions.Metrics(after),
                ["successRate"] = result.SuccessRate,
                ["meanFeaturesChanged"] = result.MeanFeaturesChanged,
                ["meanLInf"] = result.MeanLInf,
                ["meanIterations"] = result.MeanIterations,
                ["millisecondsPerExample"] = result.MillisecondsPerExample,
                ["affectedFeatures"] = AttackCliOptions.Affected(affected, 10),
            });
            return ExitCodes.Success;
        });
        return command;
    }
}
