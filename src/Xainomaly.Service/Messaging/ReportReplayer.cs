using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

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

    // At max rate, one socket write carries at most this many bytes of publishes (then the acks catch up).
    private const int MaxBurstBytes = 256 * 1024;

    /// <summary>Default pacing tick: the paced sender wakes at most this often and sends everything due in one write.</summary>
    /// <remarks>
    /// Longer ticks cost less (measured at 5,000 records/s on a loaded machine, no consumer: nats-server ≈ 27–40 µs of
    /// CPU per record with 2 ms ticks, ≈ 30 with 5 ms, ≈ 21 with 10 ms, ≈ 16 with 20 ms; the replay 11–15, 12, 7–8,
    /// 7) but deliver bigger bursts; 5 ms keeps a burst at 25 records at that rate, a small part of the service's
    /// 10 ms latency budget.
    /// </remarks>
    public static readonly TimeSpan DefaultTick = TimeSpan.FromMilliseconds(5);

    // After a stall the sender catches up with at most this many ticks' worth of records per wake, so a late
    // wake-up never turns into a burst.
    private const double CatchUpTicks = 2;

    // A reply that does not come within this time (with no other reply arriving either) counts the message as failed.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);

    // The load generator's hot path is compiled fully optimised at first call ([MethodImpl(AggressiveOptimization)]):
    // with tiered compilation it was compiled quickly first and then again, in the background, while it sent — JIT work
    // on the very cores the measured service runs on (at 5,000 records/s, the generator run with tiering off gave a
    // p99 1–2 ms lower in three of three interleaved runs).
    /// <summary>
    /// Publishes every message to <paramref name="subject"/> over a plain <c>nats://</c> connection with a JetStream ack
    /// per message, written in bursts: one socket write per pacing tick (<see cref="DefaultTick"/>) at a set rate, or per window slice
    /// at max rate; acks are read on one thread and matched to their message by the reply subject. A message counts as
    /// sent only when JetStream acknowledged storing it; a negative ack, a missing ack or a lost connection counts it
    /// as failed (and <see cref="ReplayResult.Error"/> says why).
    /// </summary>
    /// <param name="url">A <c>nats://</c> URL (user:password or a token may be in the user part).</param>
    /// <param name="stream">Stream to create when missing (as the service creates it), or null to publish into whatever captures the subject.</param>
    /// <param name="subject">Subject of UE reports.</param>
    /// <param name="messages">What to send.</param>
    /// <param name="recordsPerSecond">Target rate in UE records/s; null sends as fast as acks allow.</param>
    /// <param name="progress">Receives the records acknowledged so far, now and then.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    /// <param name="tick">Pacing tick (1–1000 ms; default <see cref="DefaultTick"/>): longer ticks mean fewer, larger writes.</param>
    /// <exception cref="IOException">The server cannot be reached or the stream cannot be created.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReplayResult ToJetStream(Uri url, string? stream, string subject, IReadOnlyList<ReplayMessage> messages, double? recordsPerSecond, IProgress<long>? progress, CancellationToken cancellationToken, TimeSpan? tick = null)
    {
        double tickSeconds = (tick ?? DefaultTick).TotalSeconds;
        if (!(tickSeconds >= 0.001 && tickSeconds <= 1)) throw new ArgumentOutOfRangeException(nameof(tick), tick, "The pacing tick must be between 1 ms and 1 s.");
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(messages);
        if (subject.Length == 0 || subject.AsSpan().IndexOfAny(" \t\r\n") >= 0) throw new ArgumentException($"'{subject}' is not a NATS subject.", nameof(subject));
        if (stream is not null && (stream.Length == 0 || stream.AsSpan().IndexOfAny(" \t\r\n.*>") >= 0)) throw new ArgumentException($"'{stream}' is not a JetStream stream name.", nameof(stream));
        if (recordsPerSecond is { } r && !(r > 0 && double.IsFinite(r))) throw new ArgumentOutOfRangeException(nameof(recordsPerSecond), r, "The rate must be a positive number of records per second.");
        if (messages.Count == 0) return new ReplayResult(0, 0, 0, 0);
        var acks = new AckTracker(messages);
        using var nats = NatsWirePublisher.Connect(url, "xainomaly-replay", acks.OnReply, acks.AfterReplies);
        if (stream is not null) EnsureStream(nats, stream, subject, url);
        byte[] subjectBytes = Encoding.UTF8.GetBytes(subject);
        int count = messages.Count;
        int next = 0;
        string? error = null;
        var cpu = Environment.CpuUsage.TotalTime;
        var total = Stopwatch.StartNew();
        long lastProgress = 0;

        // Appends message `next` to the send buffer (or fails it when the server would refuse its size).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Append()
        {
            var m = messages[next];
            if (m.Json.Length > nats.MaxPayload) acks.Fail($"message {next + 1} is {m.Json.Length:N0} bytes, more than the server's max_payload of {nats.MaxPayload:N0}");
            else
            {
                acks.Sent();
                nats.Append(subjectBytes, next, m.Json.Span);
            }
            next++;
        }

        void Report()
        {
            if (progress is null || total.ElapsedMilliseconds - lastProgress < 100) return;
            lastProgress = total.ElapsedMilliseconds;
            progress.Report(acks.Records);
        }

        try
        {
            if (recordsPerSecond is not { } rate)
            {
                while (next < count)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Wait for room for a good slice, not for every single ack: fewer, larger writes.
                    if (!acks.WaitForRoom(NatsWindow - Math.Min(NatsWindow / 4, count - next), AckTimeout, nats))
                    {
                        error = acks.Stalled(nats.ClosedReason);
                        break;
                    }
                    int room = NatsWindow - acks.InFlight;
                    while (room-- > 0 && next < count && nats.Buffered < MaxBurstBytes) Append();
                    nats.Flush();
                    Report();
                }
            }
            else
            {
                // The schedule starts once the first message is acknowledged: connecting and the server's first
                // store would otherwise put it behind at once.
                Append();
                nats.Flush();
                if (!acks.WaitForRoom(0, AckTimeout, nats)) error = acks.Stalled(nats.ClosedReason);
                var clock = Stopwatch.StartNew();
                long due = 0;
                long maxPerWake = Math.Max(1, (long)Math.Ceiling(rate * tickSeconds * CatchUpTicks));
                while (next < count && error is null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (acks.InFlight >= NatsWindow && !acks.WaitForRoom(NatsWindow - 1, AckTimeout, nats))
                    {
                        // The window is full and JetStream stopped answering: give up instead of waiting for ever.
                        error = acks.Stalled(nats.ClosedReason);
                        break;
                    }
                    int take = TakeDue(messages, next, due, (long)(clock.Elapsed.TotalSeconds * rate), maxPerWake, NatsWindow - acks.InFlight);
                    for (int end = next + take; next < end;)
                    {
                        due += messages[next].Records;
                        Append();
                    }
                    nats.Flush();
                    Report();
                    if (next == count) break;
                    if (nats.ClosedReason is { } closed)
                    {
                        error = $"connection lost ({closed})";
                        break;
                    }
                    double wait = (due + messages[next].Records) / rate - clock.Elapsed.TotalSeconds;
                    // Thread.Sleep blocks without spinning; a tick of 5 ms gives ≈ 200 wake-ups (and socket writes) a second.
                    Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(Math.Max(wait, tickSeconds) * 1000)));
                }
            }
            if (error is null && !acks.WaitForRoom(0, AckTimeout, nats)) error = acks.Stalled(nats.ClosedReason);
        }
        catch (IOException e)
        {
            error = e.Message;
        }
        double seconds = total.Elapsed.TotalSeconds;
        double cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        progress?.Report(acks.Records);
        // Whatever was not acknowledged (no reply, a lost connection, never sent after a failure) did not reach the stream.
        long failed = count - acks.Acknowledged;
        return new ReplayResult(acks.Acknowledged, acks.Records, failed, seconds) { CpuSeconds = cpuSeconds, Error = error ?? acks.FirstError };
    }

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
                body.Write(messages[i].Json.Span);
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

    /// <summary>
    /// How many messages from <paramref name="next"/> go out on this wake-up: those whose records fit in what the
    /// schedule allows by now (<paramref name="allowed"/> records since its start; <paramref name="due"/> already sent),
    /// but at most <paramref name="maxPerWake"/> records (the catch-up cap; a larger message goes alone once due) and
    /// at most <paramref name="room"/> messages (the ack window).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int TakeDue(IReadOnlyList<ReplayMessage> messages, int next, long due, long allowed, long maxPerWake, int room)
    {
        long cap = Math.Min(allowed, due + maxPerWake);
        int take = 0;
        while (next + take < messages.Count && take < room)
        {
            long after = due + messages[next + take].Records;
            if (after > cap && !(take == 0 && after <= allowed)) break;
            due = after;
            take++;
        }
        return take;
    }

    // Creates the stream as the service does (work queue, file storage) when it does not exist yet.
    private static void EnsureStream(NatsWirePublisher nats, string stream, string subject, Uri url)
    {
        var info = nats.Request("$JS.API.STREAM.INFO." + stream, default, AckTimeout)
            ?? throw new IOException($"NATS {url.Host}:{url.Port}: JetStream did not answer a stream info request for {stream}.");
        if (info.Status == 503) throw new IOException($"NATS {url.Host}:{url.Port}: JetStream is not enabled on this server.");
        var (code, description) = ApiError(info.Payload);
        if (code == 0) return;
        if (code != 404) throw new IOException($"JetStream stream {stream}: {description}.");
        var config = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(config))
        {
            json.WriteStartObject();
            json.WriteString("name", stream);
            json.WriteStartArray("subjects");
            json.WriteStringValue(subject);
            json.WriteEndArray();
            json.WriteString("retention", "workqueue");
            json.WriteString("storage", "file");
            json.WriteEndObject();
        }
        var created = nats.Request("$JS.API.STREAM.CREATE." + stream, config.WrittenSpan, AckTimeout)
            ?? throw new IOException($"JetStream did not answer the request to create stream {stream}.");
        (code, description) = ApiError(created.Payload);
        // 400 "stream name already in use": another process (the service) created it at the same moment.
        if (code != 0 && !(code == 400 && description.Contains("already in use", StringComparison.Ordinal)))
            throw new IOException($"JetStream: cannot create stream {stream} capturing {subject}: {description}.");
    }

    // The error of a JetStream API reply: (0, "") when it has none.
    private static (int Code, string Description) ApiError(ReadOnlySpan<byte> reply)
    {
        try
        {
            using var doc = JsonDocument.Parse(reply.ToArray());
            if (!doc.RootElement.TryGetProperty("error", out var error)) return (0, "");
            int code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out int v) ? v : -1;
            string text = error.TryGetProperty("description", out var d) ? d.GetString() ?? "" : error.GetRawText();
            return (code, text);
        }
        catch (JsonException)
        {
            return (-1, "unexpected reply '" + Encoding.UTF8.GetString(reply[..Math.Min(reply.Length, 80)]) + "'");
        }
    }

    // Counts JetStream acks as the reader thread delivers them and lets the sender wait for room in the window.
    private sealed class AckTracker(IReadOnlyList<ReplayMessage> messages)
    {
        private readonly byte[] _answered = new byte[messages.Count];
        private readonly ManualResetEventSlim _replies = new(false);
        private int _inFlight;
        private long _acknowledged;
        private long _records;
        private string? _firstError;

        public int InFlight => Volatile.Read(ref _inFlight);

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public long Records => Interlocked.Read(ref _records);

        public string? FirstError => Volatile.Read(ref _firstError);

        public void Sent() => Interlocked.Increment(ref _inFlight);

        public void Fail(string reason) => Interlocked.CompareExchange(ref _firstError, reason, null);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void OnReply(long id, ReadOnlySpan<byte> payload, int status)
        {
            if ((ulong)id >= (ulong)_answered.Length || _answered[id] != 0) return;
            _answered[id] = 1;
            // A publish ack is {"stream":"…","seq":n} (with "duplicate":true when deduplicated); a refusal has "error".
            if (status == 0 && payload.IndexOf("\"error\""u8) < 0 && payload.IndexOf("\"seq\""u8) >= 0)
            {
                Interlocked.Increment(ref _acknowledged);
                Interlocked.Add(ref _records, messages[(int)id].Records);
            }
            else
            {
                Fail(status == 503 ? "no JetStream stream captures the subject (no responders)"
                    : status != 0 ? $"NATS status {status} instead of a JetStream ack"
                    : ApiError(payload).Description);
            }
            Interlocked.Decrement(ref _inFlight);
        }

        public void AfterReplies() => _replies.Set();

        // Waits until at most maxInFlight publishes await their ack; false when no reply came for `timeout` or the connection closed.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool WaitForRoom(int maxInFlight, TimeSpan timeout, NatsWirePublisher nats)
        {
            while (InFlight > maxInFlight)
            {
                _replies.Reset();
                if (InFlight <= maxInFlight) break;
                if (nats.ClosedReason is not null || !_replies.Wait(timeout)) return InFlight <= maxInFlight;
            }
            return true;
        }

        public string Stalled(string? closed) => closed is not null
            ? $"connection lost ({closed}) with {InFlight:N0} messages unacknowledged"
            : $"no JetStream ack for {InFlight:N0} messages within {AckTimeout.TotalSeconds:F0} s";
    }
}
