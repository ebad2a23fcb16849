using System.CommandLine;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Adversarial;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly harden</c>: retrain a model's kind with adversarial training and compare it with the original.</summary>
internal static class HardenCommand
{
    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file to harden: its kind is retrained; its label budget, seed and test split are reused unless given.", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled KPI data the model was trained on (CSV or UE report JSON).", Required = true };
        var method = new Option<string>("--method") { Description = "Attack that makes the adversarial training rows: fgsm or pgd (jsma also works).", Required = true };
        method.AcceptOnlyFromAmong([.. AttackSettings.Methods]);
        var epsilon = new Option<double>("--epsilon") { Description = "Budget ε in scaled units (FGSM step, PGD radius, JSMA θ).", Required = true };
        var ratio = new Option<double>("--ratio") { Description = "Adversarial rows per labelled training row (default 1).", DefaultValueFactory = _ => 1.0 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of attack-and-retrain, each against the latest model (default 3).", DefaultValueFactory = _ => 3 };
        var goal = new Option<string>("--goal") { Description = "Goal of the attack used to compare the models on the test split: both (default), evade or alarm.", DefaultValueFactory = _ => "both" };
        var features = AttackCliOptions.FeaturesOption();
        var attackSteps = new Option<int>("--attack-steps") { Description = "PGD iterations (default 20).", DefaultValueFactory = _ => 20 };
        var stepSize = new Option<double?>("--step-size") { Description = "PGD step α in scaled units (default ε/4)." };
        var gamma = new Option<double>("--gamma") { Description = "JSMA γ (default 0.5).", DefaultValueFactory = _ => 0.5 };
        var labels = new Option<string?>("--labels") { Description = "Label budget (default: the model's)." };
        var seed = new Option<long?>("--seed") { Description = "Seed of training and of the attack (default: the model's)." };
        var output = new Option<string>("--out") { Description = "Hardened model file to write.", Required = true };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var training = new TrainingOptions();
        var command = new Command("harden", "Adversarial training: retrain the model's kind on the training split plus FGSM/PGD versions of its labelled rows (original labels), then compare clean and under-attack accuracy/UAR of both models on the held-out split.");
        foreach (var o in new Option[] { modelPath, data, method, epsilon, ratio, rounds, goal, features, attackSteps, stepSize, gamma, labels, seed, output, json }) command.Options.Add(o);
        training.AddTo(command);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var modelFile = parse.GetValue(modelPath)!;
            var model = DetectorModel.Load(modelFile);
            var info = model.Info.Training;
            long s = parse.GetValue(seed) ?? Long(info["seed"]) ?? 42;
            var settings = new AttackSettings
            {
                Method = parse.GetValue(method)!,
                Epsilon = parse.GetValue(epsilon),
                Steps = parse.GetValue(attackSteps),
                StepSize = parse.GetValue(stepSize),
                Gamma = parse.GetValue(gamma),
                Seed = s,
            };
            AttackCliOptions.Validate(settings);
            var g = AttackCliOptions.ParseGoal(parse.GetValue(goal)!);
            var mask = AttackCliOptions.Mask(model.Preprocessor, AttackCliOptions.Columns(parse.GetValue(features)));
            _ = AttackCliOptions.Create(settings, model, mask);
            double r = parse.GetValue(ratio);
            if (!(r > 0)) throw new UsageException($"--ratio {r}: expected a positive number of adversarial rows per labelled row.");
            int rd = parse.GetValue(rounds);
            if (rd < 1) throw new UsageException($"--rounds {rd}: expected at least 1.");

            var path = parse.GetValue(data)!;
            var table = KpiTableReader.Read(path, dataOptions.Read(parse) with { RequireLabel = true });
            var budgetText = parse.GetValue(labels) ?? info["labelBudget"]?.ToString() ?? "all";
            var options = new ExperimentOptions
            {
                LabelBudget = TrainingOptions.ParseBudget(budgetText),
                Seed = s,
                TestFraction = Double(info["testFraction"]) ?? 0.2,
                SplitSeed = Long(info["splitSeed"]) ?? 42,
                DataSource = path,
                DataSha256 = TrainCommand.Sha256(path),
            };
            if (!(options.TestFraction > 0)) throw new UsageException("The model was trained without a test split; harden compares on the held-out split, so retrain it with --test-fraction > 0.");
            var inner = DetectorTrainers.Create(model.Info.Kind, training.Read(parse));
            AdversarialTrainer trainer;
            try
            {
                trainer = new AdversarialTrainer(inner, new AdversarialTrainingOptions(settings, mask, r, rd));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            console.Step($"Adversarial training of {model.Info.Kind} with {settings.Method} ε = {settings.Epsilon:G3} ({AttackCliOptions.PhysicalEpsilonText(model.Preprocessor, mask, settings.Epsilon)}), ratio {r:G3}, {rd} round(s), labels {options.BudgetName}, seed {s}");
            var result = TrainCommand.Train(console, table, trainer, options);
            var hardened = result.Model;
            if (!hardened.Preprocessor.FeatureNames.SequenceEqual(model.Preprocessor.FeatureNames))
                throw new UsageException($"{modelFile} was trained on other inputs than {path} gives; harden it on the data it was trained on.");
            var test = result.TestRows;
            var y = result.TestLabels;
            var (cleanBefore, attackBefore, srBefore) = Compare(console, model, table, test, y, settings, mask, g, "original");
            var (cleanAfter, attackAfter, srAfter) = Compare(console, hardened, table, test, y, settings, mask, g, "hardened");
            var outPath = parse.GetValue(output)!;
            hardened.Save(outPath);

            var t = new Table().Border(TableBorder.Rounded).Title($"{model.Info.Kind}: {settings.Method} ε = {settings.Epsilon:G3} on the test split ({test.Length:N0} rows), goal {AttackCliOptions.Name(g)}");
            foreach (var h in new[] { "model", "clean acc.", "clean UAR", "attack acc.", "attack UAR", "success rate" }) t.AddColumn(new TableColumn(h).RightAligned());
            t.AddRow("original", AttackCliOptions.F(cleanBefore.Accuracy), AttackCliOptions.F(cleanBefore.UnweightedAverageRecall), AttackCliOptions.F(attackBefore.Accuracy), AttackCliOptions.F(attackBefore.UnweightedAverageRecall), AttackCliOptions.F(srBefore));
            t.AddRow("hardened", AttackCliOptions.F(cleanAfter.Accuracy), AttackCliOptions.F(cleanAfter.UnweightedAverageRecall), AttackCliOptions.F(attackAfter.Accuracy), AttackCliOptions.F(attackAfter.UnweightedAverageRecall), AttackCliOptions.F(srAfter));
            console.Table(t);
            console.Result($"trained in {result.Seconds:F1} s; hardened model written to [bold]{Markup.Escape(outPath)}[/]");
            console.WriteJson(new JsonObject
            {
                ["command"] = "harden",
                ["model"] = modelFile,
                ["kind"] = model.Info.Kind,
                ["data"] = path,
                ["out"] = outPath,
                ["attack"] = settings.ToJson(),
                ["goal"] = AttackCliOptions.Name(g),
                ["ratio"] = r,
                ["rounds"] = rd,
                ["features"] = new JsonArray([.. mask.Columns.Select(c => (JsonNode)c!)]),
                ["epsilonPhysical"] = AttackCliOptions.PhysicalEpsilon(model.Preprocessor, mask, settings.Epsilon),
                ["labelBudget"] = options.BudgetName,
                ["seed"] = s,
                ["testRows"] = test.Length,
                ["original"] = new JsonObject { ["clean"] = AttackCliOptions.Metrics(cleanBefore), ["underAttack"] = AttackCliOptions.Metrics(attackBefore), ["successRate"] = srBefore },
                ["hardened"] = new JsonObject { ["clean"] = AttackCliOptions.Metrics(cleanAfter), ["underAttack"] = AttackCliOptions.Metrics(attackAfter), ["successRate"] = srAfter, ["threshold"] = hardened.Detector.Threshold },
                ["adversarialTraining"] = result.Validation["adversarialTraining"]?.DeepClone(),
                ["seconds"] = Math.Round(result.Seconds, 3),
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static (BinaryMetrics Clean, BinaryMetrics Attack, double? SuccessRate) Compare(Output.CliConsole console, DetectorModel model, KpiTable table, int[] test, int[] y, AttackSettings settings, FeatureMask mask, AttackGoal goal, string name)
    {
        var x = model.Inputs(table, out _, test);
        var scores = new float[test.Length];
        model.Detector.Score(x, test.Length, scores);
        var clean = BinaryMetrics.Compute(y, scores, model.Detector.Threshold);
        var result = console.Progress($"attack the {name} model", 1.0, p =>
        {
            var r = AttackCliOptions.Create(settings, model, mask).Generate(x, y, test.Length, goal);
            p.Report(1.0);
            return r;
        });
        return (clean, BinaryMetrics.Compute(y, result.ScoresAfter, model.Detector.Threshold), result.SuccessRate);
    }

    private static long? Long(JsonNode? n) => n is JsonValue v && v.TryGetValue(out long l) ? l : n is JsonValue v2 && v2.TryGetValue(out int i) ? i : null;

    private static double? Double(JsonNode? n) => n is JsonValue v && v.TryGetValue(out double d) ? d : null;
}
