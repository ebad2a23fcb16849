using System.Diagnostics;
using System.Net.Http.Headers;

using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Sends UE reports at a set rate (or as fast as acknowledgements allow): into JetStream with publish acks,
/// pipelined, or to the service's HTTP API in batches. The load generator of the performance targets.
/// </summary>
public static class ReportReplayer
{
    // JetStream publishes in flight at once: enough to hide the ack round trip, few enough to bound memory.
    private const int NatsWindow = 2048;

    // UE records per HTTP POST, and POSTs in flight.
    private const int HttpBatchRecords = 256;
    private const int HttpParallel = 4;

    /// <summary>Publishes every message to <paramref name="subject"/> and waits for each JetStream ack.</summary>
    /// <param name="js">JetStream context (the stream capturing the subject must exist).</param>
    /// <param name="subject">Subject of UE reports.</param>
    /// <param name="messages">What to send.</param>
    /// <param name="recordsPerSecond">Target rate in UE records/s; null sends as fast as possible.</param>
    /// <param name="progress">Receives the records acknowledged so far, now and then.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    public static async Task<ReplayResult> ToJetStreamAsync(INatsJSContext js, string subject, IReadOnlyList<ReplayMessage> messages, double? recordsPerSecond, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(messages);
        var inFlight = new Queue<(ValueTask<PubAckResponse> Ack, int Records)>(NatsWindow);
        long records = 0, sent = 0, failed = 0;
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        long due = 0;

        async Task Settle()
        {
            var (ack, n) = inFlight.Dequeue();
            try
            {
                (await ack.ConfigureAwait(false)).EnsureSuccess();
                sent++;
                records += n;
                if ((sent & 1023) == 0) progress?.Report(records);
            }
            catch (NatsJSException)
            {
                failed++;
            }
        }

        bool first = true;
        foreach (var m in messages)
        {
            due += m.Records;
            await PaceAsync(clock, due, recordsPerSecond, cancellationToken).ConfigureAwait(false);
            if (inFlight.Count == NatsWindow) await Settle().ConfigureAwait(false);
            inFlight.Enqueue((js.PublishAsync(subject, m.Json, cancellationToken: cancellationToken), m.Records));
            if (first && recordsPerSecond is not null)
            {
                // The schedule starts once the first message is acknowledged: the client's own warm-up (connection,
                // code compiled on first use) would otherwise put the schedule behind and the catch-up would arrive as
                // a burst, measuring the generator's start instead of the service at the set rate.
                await Settle().ConfigureAwait(false);
                clock.Restart();
                due = 0;
            }
            first = false;
        }
        while (inFlight.Count > 0) await Settle().ConfigureAwait(false);
        progress?.Report(records);
        return new ReplayResult(sent, records, failed, total.Elapsed.TotalSeconds);
    }

    /// <summary>POSTs the messages as JSON arrays of about <see cref="HttpBatchRecords"/> UE records to <paramref name="url"/>.</summary>
    public static async Task<ReplayResult> ToHttpAsync(HttpClient http, Uri url, IReadOnlyList<ReplayMessage> messages, double? recordsPerSecond, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(messages);
        var inFlight = new Queue<(Task<HttpResponseMessage> Response, int Messages, int Records)>(HttpParallel);
        long records = 0, sent = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        long due = 0;

        async Task Settle()
        {
            var (response, n, r) = inFlight.Dequeue();
            try
            {
                using var answer = await response.ConfigureAwait(false);
                if (answer.IsSuccessStatusCode)
                {
                    sent += n;
                    records += r;
                    progress?.Report(records);
                }
                else
                {
                    failed += n;
                }
            }
            catch (HttpRequestException)
            {
                failed += n;
            }
        }

        for (int i = 0; i < messages.Count;)
        {
            using var body = new MemoryStream();
            body.WriteByte((byte)'[');
            int n = 0, r = 0;
            for (; i < messages.Count && r < HttpBatchRecords; i++, n++)
            {
                if (n > 0) body.WriteByte((byte)',');
                body.Write(messages[i].Json);
                r += messages[i].Records;
            }
            body.WriteByte((byte)']');
            due += r;
            await PaceAsync(clock, due, recordsPerSecond, cancellationToken).ConfigureAwait(false);
            if (inFlight.Count == HttpParallel) await Settle().ConfigureAwait(false);
            var content = new ByteArrayContent(body.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            inFlight.Enqueue((http.PostAsync(url, content, cancellationToken), n, r));
        }
        while (inFlight.Count > 0) await Settle().ConfigureAwait(false);
        return new ReplayResult(sent, records, failed, clock.Elapsed.TotalSeconds);
    }

    // Sends in small bursts: waits until the clock says `due` records may have gone out at the target rate.
    private static async ValueTask PaceAsync(Stopwatch clock, long due, double? recordsPerSecond, CancellationToken cancellationToken)
    {
        if (recordsPerSecond is not { } rate) return;
        double at = due / rate;
        double wait = at - clock.Elapsed.TotalSeconds;
        if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
    }
}
