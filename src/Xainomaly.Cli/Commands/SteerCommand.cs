using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using NATS.Client.Core;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Detection;
using Xainomaly.Service.Steering;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly steer</c>: the traffic-steering side of the loop — anomalies in, handover commands out.</summary>
internal static class SteerCommand
{
    public static Command Create(CliHost host)
    {
        var nats = new Option<string>("--nats") { Description = "NATS server URL, e.g. nats://127.0.0.1:4222.", Required = true };
        var qoe = new Option<string?>("--qoe") { Description = "QoE model written by 'xainomaly train --model qoe' (default: log2(1+SINR) times the free PRB share)." };
        var threshold = new Option<double>("--threshold-percent") { Description = "Hand over when the best neighbour's predicted downlink beats the serving cell's by more than this many percent (the A1 policy threshold).", DefaultValueFactory = _ => 5 };
        var maxCs = new Option<double?>("--max-cs") { Description = "Hand over only when the anomaly's explanation confidence score CS is at most this (lower is better); unset: CS is not checked." };
        var log = new Option<string?>("--log") { Description = "Append every decision with its reasons to this file as JSON lines." };
        var maxAnomalies = new Option<long?>("--max-anomalies") { Description = "Stop after deciding on this many anomalies (default: run until Ctrl+C)." };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until Ctrl+C)." };
        var anomalySubject = new Option<string>("--anomaly-subject") { Description = "Subject anomalies arrive on.", DefaultValueFactory = _ => "ran.ad.anomalies" };
        var commandSubject = new Option<string>("--command-subject") { Description = "Subject handover commands are published on.", DefaultValueFactory = _ => "ran.ts.commands" };
        var json = CliHost.JsonOption();
        var command = new Command(
            "steer",
            "Traffic steering: read anomalous UEs from ran.ad.anomalies, predict the downlink throughput of the serving and neighbour cells, " +
            "and publish a HandOff command on ran.ts.commands when the best neighbour is better by the threshold and the anomaly's CS is good enough. " +
            "Without a QoE model the prediction is log2(1+SINR) times the free PRB share.");
        foreach (var o in new Option[] { nats, qoe, threshold, maxCs, log, maxAnomalies, seconds, anomalySubject, commandSubject, json }) command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            var options = new SteeringOptions
            {
                AnomalySubject = parse.GetValue(anomalySubject)!,
                CommandSubject = parse.GetValue(commandSubject)!,
            };
            // Unset --max-cs means CS is not checked (null), unlike the library's default of 0.1.
            var policyOptions = new TrafficSteeringOptions
            {
                ThresholdPercent = parse.GetValue(threshold),
                MaxCs = parse.GetValue(maxCs),
            };
            if (!double.IsFinite(policyOptions.ThresholdPercent) || policyOptions.ThresholdPercent < 0) throw new UsageException($"--threshold-percent: expected a number ≥ 0, got {policyOptions.ThresholdPercent}.");
            if (policyOptions.MaxCs is { } c && (!double.IsFinite(c) || c < 0)) throw new UsageException($"--max-cs: expected a finite number ≥ 0, got {c}.");
            if (parse.GetValue(maxAnomalies) is < 1) throw new UsageException("--max-anomalies: expected at least 1.");
            if (parse.GetValue(seconds) is { } s && (!double.IsFinite(s) || s <= 0)) throw new UsageException("--seconds: expected a positive number.");
            string url = NatsUrl(parse.GetValue(nats)!);
            var (predictor, predictorName) = parse.GetValue(qoe) is { } qoePath
                ? ((IThroughputPredictor)QoePredictor.Load(qoePath), "qoe model " + qoePath)
                : (new ShannonThroughputPredictor(), ShannonThroughputPredictor.Description);
            var policy = new TrafficSteeringPolicy(predictor, policyOptions);
            return Run(console, url, options, policy, predictorName, parse.GetValue(log), parse.GetValue(maxAnomalies), parse.GetValue(seconds));
        });
        return command;
    }

    internal static string NatsUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            throw new UsageException($"--nats: '{url}' is not a NATS URL (expected e.g. nats://127.0.0.1:4222).");
        return url;
    }

    private static int Run(CliConsole console, string url, SteeringOptions options, TrafficSteeringPolicy policy, string predictorName, string? logPath, long? maxAnomalies, double? seconds)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        if (seconds is { } s) cts.CancelAfter(TimeSpan.FromSeconds(s));
        StreamWriter? log = null;
        try
        {
            if (logPath is not null)
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(logPath));
                if (dir is not null) Directory.CreateDirectory(dir);
                log = new StreamWriter(logPath, append: true, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            }
            var (anomalies, handOffs, invalid, cancelled) = RunLoopAsync(console, url, options, policy, predictorName, log, maxAnomalies, cts.Token).GetAwaiter().GetResult();
            string stop = cancelled ? "stopped" : "done";
            console.Result($"Steering {stop}: {anomalies:N0} anomalies, {handOffs:N0} handovers ordered, {invalid:N0} unreadable messages.");
            console.WriteJson(new JsonObject
            {
                ["command"] = "steer",
                ["nats"] = url,
                ["predictor"] = predictorName,
                ["thresholdPercent"] = policy.Options.ThresholdPercent,
                ["maxCs"] = policy.Options.MaxCs,
                ["anomalies"] = anomalies,
                ["handOffs"] = handOffs,
                ["invalidMessages"] = invalid,
                ["log"] = logPath,
            });
            return ExitCodes.Success;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            log?.Dispose();
        }
    }

    private static async Task<(long Anomalies, long HandOffs, long Invalid, bool Cancelled)> RunLoopAsync(CliConsole console, string url, SteeringOptions options, TrafficSteeringPolicy policy, string predictorName, StreamWriter? log, long? maxAnomalies, CancellationToken cancellationToken)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "xainomaly-steer", MaxReconnectRetry = -1 });
        await connection.ConnectAsync().ConfigureAwait(false);
        var loop = new TrafficSteeringLoop(connection, policy, options)
        {
            Decided = (anomaly, decision, cmd) => Log(console, log, anomaly, decision),
            Invalid = reason =>
            {
                console.Err.MarkupLine($"[yellow]skipped[/] {Markup.Escape(reason)}");
                log?.WriteLine(new JsonObject { ["time"] = Now(), ["decision"] = "Invalid", ["reason"] = reason }.ToJsonString());
            },
        };
        console.Note($"Listening on {options.AnomalySubject} at {url}; commands go to {options.CommandSubject}; predictor: {predictorName}.");
        bool cancelled = false;
        try
        {
            await loop.RunAsync(maxAnomalies, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        return (loop.Anomalies, loop.HandOffs, loop.InvalidMessages, cancelled);
    }

    private static void Log(CliConsole console, StreamWriter? log, AnomalyMessage anomaly, SteeringDecision d)
    {
        string what = d.HandOver ? $"[green]HandOff[/] {Markup.Escape(d.FromCell)} → {Markup.Escape(d.ToCell ?? "?")}" : "[grey]stay[/]";
        string line = $"{Markup.Escape(anomaly.UeId)}: {what} — {Markup.Escape(string.Join("; ", d.Reasons))}";
        if (console.Json) console.Err.MarkupLine(line);
        else console.Out.MarkupLine(line);
        if (log is null) return;
        var reasons = new JsonArray();
        foreach (var r in d.Reasons) reasons.Add(r);
        var best = d.BestPrediction;
        var decision = d.ToJson();
        log.WriteLine(new JsonObject
        {
            ["time"] = Now(),
            ["ue"] = anomaly.UeId,
            ["measTimeStampRf"] = anomaly.MeasTimeStampRf,
            ["degradation"] = anomaly.Degradation,
            ["decision"] = d.HandOver ? "HandOff" : "Stay",
            ["fromCell"] = d.FromCell,
            // The best neighbour, i.e. the target the rule weighed; the handover's target when decision is HandOff.
            ["toCell"] = d.BestNeighbour,
            ["servingPrediction"] = Finite(d.Serving.Throughput),
            ["bestPrediction"] = Finite(best?.Throughput),
            ["gainPercent"] = Finite(best?.GainPercent),
            ["cs"] = Finite(d.Cs),
            ["reason"] = d.Reason,
            ["reasons"] = reasons,
            ["neighbours"] = decision["neighbours"]!.DeepClone(),
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
