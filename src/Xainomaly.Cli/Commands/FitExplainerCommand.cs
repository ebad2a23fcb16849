using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Explanation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly fit-explainer</c>: trains the FastSHAP explainer of a saved model and writes the explainer file.</summary>
internal static class FitExplainerCommand
{
    public static Command Create(CliHost host)
    {
        var defaults = new FastShapOptions();
        var modelPath = new Option<string>("--model") { Description = "Model file written by 'xainomaly train'.", Required = true };
        var data = new Option<string>("--data") { Description = "Training data of the model (CSV or UE report JSON); every row is used, labels are ignored.", Required = true };
        var output = new Option<string>("--out") { Description = "Explainer file to write (any name, e.g. model.fastshap).", Required = true };
        var background = new Option<int?>("--background") { Description = "Use a seeded random sample of N data rows as the background instead of a k-means summary." };
        var kmeans = new Option<int?>("--kmeans") { Description = $"Summarise the background by k-means with K centres (default {defaults.KMeans})." };
        var explained = new Option<string>("--output") { Description = "Explained output: score (the anomaly score) or probability (the head's anomaly probability, semi-supervised models).", DefaultValueFactory = _ => "score" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs (training stops earlier when the validation loss stops improving).", DefaultValueFactory = _ => defaults.MaxEpochs };
        var coalitions = new Option<int>("--coalitions") { Description = "Coalitions per row per epoch, drawn in complementary pairs (even).", DefaultValueFactory = _ => defaults.CoalitionSamples };
        var width = new Option<int>("--hidden-width") { Description = "Units per hidden layer of the explainer network.", DefaultValueFactory = _ => defaults.HiddenWidth };
        var seed = CliHost.SeedOption();
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var command = new Command("fit-explainer", "Train the FastSHAP explainer network of a saved model (SPEC §3) so that 'xainomaly explain --method fastshap|fastshap-c' explains rows in one forward pass.");
        foreach (var o in new Option[] { modelPath, data, output, background, kmeans, explained, epochs, coalitions, width, seed, json }) command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            if (parse.GetValue(background) is not null && parse.GetValue(kmeans) is not null)
                throw new UsageException("--background and --kmeans both choose the background; give one of them.");
            var options = new FastShapOptions
            {
                Output = ExplainCommand.ParseOutput(parse.GetValue(explained)!),
                MaxEpochs = parse.GetValue(epochs),
                CoalitionSamples = parse.GetValue(coalitions),
                HiddenWidth = parse.GetValue(width),
                Seed = parse.GetValue(seed),
            };
            if (parse.GetValue(background) is { } n) options = options with { KMeans = 0, BackgroundSize = n };
            if (parse.GetValue(kmeans) is { } k) options = options with { KMeans = k };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            var modelFile = parse.GetValue(modelPath)!;
            var model = DetectorModel.Load(modelFile);
            var dataPath = parse.GetValue(data)!;
            var table = KpiTableReader.Read(dataPath, dataOptions.Read(parse));
            var x = model.Inputs(table, out _);
            int d = model.Detector.InputWidth;
            int count = x.Length / d;
            if (count < 2) throw new DataFormatException(dataPath, $"{count} rows; fitting an explainer needs at least 2 rows of training data.");
            console.Step($"Fitting the FastSHAP explainer of {model.Info.Kind} ({d} inputs) on {count:N0} rows of {Path.GetFileName(dataPath)}");
            var clock = Stopwatch.StartNew();
            ExplainerModel fitted;
            try
            {
                fitted = console.Progress("fit-explainer", options.MaxEpochs, (progress, status) =>
                    ExplainerModel.Fit(model, x, count, options, new SyncProgress<TrainingProgress>(p =>
                    {
                        progress.Report(p.Step);
                        status($"epoch {p.Step}/{p.Total}, train loss {p.Loss:G4}" + (p.ValidationLoss is { } v ? $", validation loss {v:G4}" : ""));
                    })));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var outPath = parse.GetValue(output)!;
            fitted.Save(outPath);
            var ex = fitted.Explainer;
            var result = new JsonObject
            {
                ["command"] = "fit-explainer",
                ["model"] = modelFile,
                ["data"] = dataPath,
                ["out"] = outPath,
                ["output"] = options.Output == FastShapOutput.Score ? "score" : "probability",
                ["rows"] = count,
                ["features"] = d,
                ["background"] = ex.Background.Count,
                ["backgroundKind"] = options.KMeans > 0 ? "kmeans" : "sample",
                ["parameters"] = ex.ParameterCount,
                ["epochs"] = ex.LossHistory.Count,
                ["bestEpoch"] = ex.BestEpoch,
                ["bestValidationLoss"] = ex.BestValidationLoss,
                ["seconds"] = Math.Round(seconds, 3),
                ["lossHistory"] = new JsonArray([.. ex.LossHistory.Select(e => (JsonNode)new JsonObject
                {
                    ["epoch"] = e.Epoch,
                    ["train"] = e.TrainLoss,
                    ["validation"] = double.IsNaN(e.ValidationLoss) ? null : e.ValidationLoss,
                })]),
            };
            console.Result($"Trained {ex.ParameterCount:N0} weights in {seconds:F1} s: {ex.LossHistory.Count} epochs, best epoch {ex.BestEpoch} " +
                $"(validation loss {ex.BestValidationLoss:G4}); background {ex.Background.Count} rows; written to [bold]{Markup.Escape(outPath)}[/]");
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }
}
