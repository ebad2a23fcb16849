using System.CommandLine;
using System.Text.Json.Nodes;

using Xainomaly.Service;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly serve</c>: the near-real-time detection service (HTTP API, dashboard, SQLite; NATS and InfluxDB when asked).</summary>
internal static class ServeCommand
{
    public static Command Create(CliHost host)
    {
        var defaults = new ServiceOptions { ModelPath = "" };
        var model = new Option<string>("--model") { Description = "Model file written by 'xainomaly train' (a per-record detector, e.g. ss-deepcae).", Required = true };
        var explainer = new Option<string?>("--explainer") { Description = "FastSHAP explainer file fitted for this model (fastSHAP-C: φ, CS, EM per record); without it records are scored but not explained." };
        var http = new Option<string>("--http") { Description = "Address to listen on (loopback by default; port 0 picks a free port).", DefaultValueFactory = _ => defaults.HttpUrl };
        var nats = new Option<string?>("--nats") { Description = "NATS server URL: also consume UE reports from JetStream and publish anomalies for traffic steering." };
        var store = new Option<string>("--store") { Description = "SQLite file the results go to (and the query API reads).", DefaultValueFactory = _ => defaults.StorePath };
        var influx = new Option<string?>("--influx") { Description = "InfluxDB 1.x base URL: also log every record there (measurement AD)." };
        var influxDb = new Option<string?>("--influx-db") { Description = $"InfluxDB database (default {defaults.InfluxDatabase}); needs --influx." };
        var explainAll = new Option<bool>("--explain-all") { Description = "Explain every record, not only the anomalous ones." };
        var top = new Option<int>("--top-features") { Description = "Features named per explanation.", DefaultValueFactory = _ => defaults.TopFeatures };
        var tput = new Option<double>("--throughput-drop") { Description = "Degradation margin: throughput below the UE's recent maximum by this percentage.", DefaultValueFactory = _ => defaults.ThroughputDropPercent };
        var rsrp = new Option<double>("--rsrp-drop") { Description = "Degradation margin: RSRP below the UE's recent maximum by this many dB.", DefaultValueFactory = _ => defaults.RsrpDropDb };
        var rsrq = new Option<double>("--rsrq-drop") { Description = "Degradation margin: RSRQ below the UE's recent maximum by this many dB.", DefaultValueFactory = _ => defaults.RsrqDropDb };
        var history = new Option<int>("--ue-history") { Description = "Recent records kept per UE for the degradation rule and the dashboard.", DefaultValueFactory = _ => defaults.UeHistory };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest accepted POST body.", DefaultValueFactory = _ => defaults.MaxBodyBytes };
        var batch = new Option<int>("--max-batch") { Description = "Most records scored in one batch (concurrent requests are coalesced).", DefaultValueFactory = _ => defaults.MaxBatchRecords };
        var coalitions = new Option<int>("--coalitions") { Description = "fastSHAP-C coalitions per explained record for CS and EM.", DefaultValueFactory = _ => defaults.ConfidenceCoalitions };
        var noWarmUp = new Option<bool>("--no-warm-up") { Description = "Skip the start-up warm-up (synthetic reports through the hot path and, with --nats, the JetStream ingest); the first records then wait while that code compiles." };
        var json = CliHost.JsonOption();
        var command = new Command("serve",
            "Run the detection service: POST UE reports to /v1/reports, query /v1/anomalies and /v1/explanations/{id}, " +
            "scrape /metrics, watch the dashboard at /. Runs until Ctrl-C or SIGTERM, then drains and flushes.");
        foreach (var o in new Option[] { model, explainer, http, nats, store, influx, influxDb, explainAll, top, tput, rsrp, rsrq, history, maxBody, batch, coalitions, noWarmUp, json })
            command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            if (parse.GetValue(influxDb) is not null && parse.GetValue(influx) is null) throw new UsageException("--influx-db needs --influx URL.");
            if (parse.GetValue(top) < 1) throw new UsageException("--top-features must be at least 1.");
            if (parse.GetValue(history) < 1) throw new UsageException("--ue-history must be at least 1.");
            if (parse.GetValue(maxBody) < 1024) throw new UsageException("--max-body-bytes must be at least 1024.");
            if (parse.GetValue(batch) < 1) throw new UsageException("--max-batch must be at least 1.");
            if (parse.GetValue(coalitions) < 1) throw new UsageException("--coalitions must be at least 1.");
            if (parse.GetValue(tput) is < 0 or > 100) throw new UsageException("--throughput-drop is a percentage in [0, 100].");
            var url = parse.GetValue(http)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != "http")
                throw new UsageException($"--http: '{url}' is not an http:// URL (e.g. http://127.0.0.1:8080).");
            var options = new ServiceOptions
            {
                ModelPath = parse.GetValue(model)!,
                ExplainerPath = parse.GetValue(explainer),
                HttpUrl = url,
                NatsUrl = parse.GetValue(nats),
                StorePath = parse.GetValue(store)!,
                InfluxUrl = parse.GetValue(influx),
                InfluxDatabase = parse.GetValue(influxDb) ?? defaults.InfluxDatabase,
                ExplainAll = parse.GetValue(explainAll),
                TopFeatures = parse.GetValue(top),
                ThroughputDropPercent = parse.GetValue(tput),
                RsrpDropDb = parse.GetValue(rsrp),
                RsrqDropDb = parse.GetValue(rsrq),
                UeHistory = parse.GetValue(history),
                MaxBodyBytes = parse.GetValue(maxBody),
                MaxBatchRecords = parse.GetValue(batch),
                ConfidenceCoalitions = parse.GetValue(coalitions),
                WarmUp = !parse.GetValue(noWarmUp),
            };
            return RunAsync(options, console).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(ServiceOptions options, Output.CliConsole console)
    {
        // Model, explainer and store are checked here, before anything binds a port.
        await using var service = ServiceHost.Create(options);
        await service.StartAsync();
        var addresses = service.Addresses;
        console.Step($"Listening on {string.Join(", ", addresses)} (dashboard at /, API under /v1, metrics at /metrics); store {options.StorePath}" +
            (options.NatsUrl is null ? "" : $"; NATS {options.NatsUrl}") + (options.InfluxUrl is null ? "" : $"; InfluxDB {options.InfluxUrl}/{options.InfluxDatabase}"));
        console.Note("Press Ctrl-C to stop.");
        console.WriteJson(new JsonObject
        {
            ["command"] = "serve",
            ["listening"] = new JsonArray([.. addresses.Select(a => (JsonNode)a!)]),
            ["model"] = options.ModelPath,
            ["explainer"] = options.ExplainerPath,
            ["store"] = options.StorePath,
            ["nats"] = options.NatsUrl,
            ["influx"] = options.InfluxUrl,
        });
        console.StdoutWriter.Flush();
        await service.WaitForShutdownAsync();
        console.Step("Stopping: draining in-flight batches and flushing the store…");
        await service.StopAsync();
        console.Note("Stopped.");
        return ExitCodes.Success;
    }
}
