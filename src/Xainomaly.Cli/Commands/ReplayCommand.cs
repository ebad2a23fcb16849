using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Xainomaly.Cli.Output;
using Xainomaly.Service.Messaging;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly replay</c>: the load generator — UE reports from a file into JetStream or the HTTP API at a set rate.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliHost host)
    {
        var file = new Argument<string>("file") { Description = "UE reports: UE report JSON lines (ue.json.gz, gzip detected by content), JSON lines of flat rows, or a CSV in either UE naming." };
        var rate = new Option<string>("--rate") { Description = "UE records per second, or 'max' for as fast as acknowledgements allow.", Required = true };
        var nats = new Option<string?>("--nats") { Description = "NATS server URL: publish each line on the report subject with JetStream acks, pipelined." };
        var http = new Option<string?>("--http") { Description = "Service base URL (e.g. http://127.0.0.1:8080): POST batches to /v1/reports." };
        var limit = new Option<long?>("--limit") { Description = "Send at most this many UE records (whole reports)." };
        var subject = new Option<string>("--subject") { Description = "Subject of UE reports (NATS).", DefaultValueFactory = _ => "ran.kpm.ue" };
        var stream = new Option<string>("--stream") { Description = "JetStream stream capturing the subject; created as the service creates it when missing (NATS).", DefaultValueFactory = _ => "RAN_KPM" };
        var tick = new Option<double>("--tick") { Description = "Pacing tick in milliseconds (1–1000, NATS): at a set rate, everything due is published every tick with one socket write.", DefaultValueFactory = _ => ReportReplayer.DefaultTick.TotalMilliseconds };
        var json = CliHost.JsonOption();
        var command = new Command("replay", "Replay UE reports into the detection service at a set rate (or as fast as possible) and print the rate achieved: the load generator of the service's performance figures.");
        command.Arguments.Add(file);
        foreach (var o in new Option[] { rate, nats, http, limit, subject, stream, tick, json }) command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            double? perSecond = Rate(parse.GetValue(rate)!);
            string? natsUrl = parse.GetValue(nats);
            string? httpUrl = parse.GetValue(http);
            if ((natsUrl is null) == (httpUrl is null)) throw new UsageException("replay: give exactly one of --nats URL or --http URL.");
            if (parse.GetValue(limit) is < 1) throw new UsageException("--limit: expected at least 1.");
            double tickMs = parse.GetValue(tick);
            if (!(tickMs >= 1 && tickMs <= 1000)) throw new UsageException($"--tick: expected 1 to 1000 milliseconds, got {tickMs.ToString(CultureInfo.InvariantCulture)}.");
            string subjectName = parse.GetValue(subject)!;
            string streamName = parse.GetValue(stream)!;
            if (subjectName.Length == 0 || subjectName.AsSpan().IndexOfAny(" \t\r\n") >= 0) throw new UsageException($"--subject: '{subjectName}' is not a NATS subject (no spaces).");
            if (streamName.Length == 0 || streamName.AsSpan().IndexOfAny(" \t\r\n.*>") >= 0) throw new UsageException($"--stream: '{streamName}' is not a JetStream stream name (no spaces, '.', '*' or '>').");
            string path = parse.GetValue(file)!;
            var messages = ReplaySource.Load(path, parse.GetValue(limit));
            long total = 0;
            foreach (var m in messages) total += m.Records;
            string target = natsUrl is not null ? SteerCommand.NatsUrl(natsUrl) : ReportsUri(httpUrl!).ToString();
            console.Note($"Replaying {total:N0} UE records in {messages.Count:N0} messages to {target} at {(perSecond is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) + " records/s" : "max rate")}.");
            var result = console.Progress("replay", total, (progress, _) =>
            {
                var report = new SyncProgress<long>(n => progress.Report(n));
                return natsUrl is not null
                    ? ToNats(natsUrl, streamName, subjectName, messages, perSecond, TimeSpan.FromMilliseconds(tickMs), report)
                    : ToHttpAsync(ReportsUri(httpUrl!), messages, perSecond, report).GetAwaiter().GetResult();
            });
            double processCpu = Environment.CpuUsage.TotalTime.TotalSeconds;
            double perRecord = result.Records > 0 ? result.CpuSeconds * 1e6 / result.Records : 0;
            console.Result($"Sent {result.Records:N0} UE records ({result.Messages:N0} messages, {result.Failed:N0} failed) in {result.Seconds:F2} s: [bold]{result.RecordsPerSecond:N0} records/s[/]");
            console.Note($"CPU: {result.CpuSeconds:F2} s while sending ({perRecord:F1} µs per record), {processCpu:F2} s for the whole process (start-up and reading the file included).");
            if (result.Error is { } error) console.Note($"Failures: {error}");
            var output = new JsonObject
            {
                ["command"] = "replay",
                ["file"] = path,
                ["target"] = target,
                ["rate"] = perSecond is { } pr ? JsonValue.Create(pr) : JsonValue.Create("max"),
                ["messages"] = result.Messages,
                ["records"] = result.Records,
                ["failed"] = result.Failed,
                ["seconds"] = Math.Round(result.Seconds, 4),
                ["recordsPerSecond"] = Math.Round(result.RecordsPerSecond, 1),
                ["cpuSeconds"] = Math.Round(result.CpuSeconds, 3),
                ["cpuMicrosecondsPerRecord"] = Math.Round(perRecord, 2),
                ["processCpuSeconds"] = Math.Round(processCpu, 3),
            };
            if (natsUrl is not null && perSecond is not null) output["tickMilliseconds"] = tickMs;
            if (result.Error is { } reason) output["error"] = reason;
            console.WriteJson(output);
            return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static double? Rate(string text)
    {
        if (text.Equals("max", StringComparison.OrdinalIgnoreCase)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && double.IsFinite(r) && r > 0) return r;
        throw new UsageException($"--rate: expected a positive number of records per second or 'max', got '{text}'.");
    }

    private static Uri ReportsUri(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--http: '{baseUrl}' is not an HTTP URL (expected e.g. http://127.0.0.1:8080).");
        return uri.AbsolutePath is "/" or "" ? new Uri(uri, "/v1/reports") : uri;
    }

    private static ReplayResult ToNats(string url, string stream, string subject, IReadOnlyList<ReplayMessage> messages, double? perSecond, TimeSpan tick, IProgress<long> progress)
    {
        // Plain nats:// goes through the replay's own burst publisher (a fraction of the general client's CPU per
        // message); TLS and websocket URLs through the NATS client.
        var uri = new Uri(url);
        if (uri.Scheme == "nats") return ReportReplayer.ToJetStream(uri, stream, subject, messages, perSecond, progress, CancellationToken.None, tick);
        return ToNatsClientAsync(url, stream, subject, messages, perSecond, progress).GetAwaiter().GetResult();
    }

    private static async Task<ReplayResult> ToNatsClientAsync(string url, string stream, string subject, IReadOnlyList<ReplayMessage> messages, double? perSecond, IProgress<long> progress)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = url, Name = "xainomaly-replay" });
        await connection.ConnectAsync().ConfigureAwait(false);
        var js = new NatsJSContext(connection);
        await JetStreamIngestService.EnsureStreamAsync(js, stream, subject, CancellationToken.None).ConfigureAwait(false);
        return await ReportReplayer.ToJetStreamAsync(js, subject, messages, perSecond, progress, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task<ReplayResult> ToHttpAsync(Uri url, IReadOnlyList<ReplayMessage> messages, double? perSecond, IProgress<long> progress)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await ReportReplayer.ToHttpAsync(http, url, messages, perSecond, progress, CancellationToken.None).ConfigureAwait(false);
    }
}
