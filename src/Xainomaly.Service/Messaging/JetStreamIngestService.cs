using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Feeds UE reports from a JetStream work-queue stream into the <see cref="IReportPipeline"/>. Each message is
/// acknowledged only after the pipeline returned its outcomes (accepted records are then stored), so a crash loses no
/// acknowledged record; a redelivered message is stored once because the store is idempotent on (ue-id, timestamp).
/// Rejected records and messages that keep failing go to the dead-letter subject with the reason in a header.
/// With <see cref="ServiceOptions.WarmUp"/>, the first bind warms the ingest path up before reading the durable
/// consumer (see <see cref="WarmUp"/>).
/// </summary>
public sealed class JetStreamIngestService(
    INatsConnection connection,
    IReportPipeline pipeline,
    ServiceOptions options,
    IngestStatistics statistics,
    ILogger<JetStreamIngestService> logger) : BackgroundService
{
    /// <summary>Header naming why a message was dead-lettered.</summary>
    public const string ReasonHeader = "Xainomaly-Reason";

    /// <summary>Header with the number of deliveries of a dead-lettered message.</summary>
    public const string DeliveriesHeader = "Xainomaly-Deliveries";

    /// <summary>Header with the stream sequence of the message a dead letter came from.</summary>
    public const string SequenceHeader = "Xainomaly-Stream-Sequence";

    // Messages handed to the pipeline at once: large enough to amortise a store transaction, small enough that
    // one batch's latency stays far below the near-RT loop's 10 ms at the target rates.
    private const int MaxBatchMessages = 256;

    // Batches parsed and waiting, being scored or being stored at once. Deep enough that while the batch loop scores
    // everything queued and the writer stores the batch before, more messages are already parsed and queued behind
    // them: with 4 the batch loop sat idle ≈ 26 % of a drain waiting for input (16,300 records/s); 24 keeps it fed
    // (17,700–20,600). Low rates are unaffected (their batches are small).
    private const int MaxBatchesInFlight = 24;

    // Messages pulled ahead of the batches (the consumer's pull request, re-sent at half) and held in the channel between
    // the pull and the batching. With a backlog every one of them is live across a young collection, and each cycle then
    // allocates into memory never touched before, whose first touch is dear on this virtual machine (nearly a third of
    // serve's CPU in a drain was memset and page faults). 1,024 instead of 6,144 (one per batch slot): drain and `max`
    // faster in 8 of 11 interleaved pairs, 59–66k page faults per drain instead of 68–81k; at 5,000/s the p99 was lower in
    // 3 of 4 pairs. 512 pulled so often that nats-server's CPU at 5,000/s rose by ≈ 8 %.
    private const int PullWindow = 1024;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Prefix of the warm-up's temporary stream names (followed by random hex).</summary>
    public const string WarmUpStreamPrefix = "XAINOMALY_WARMUP_";

    /// <summary>Prefix of the warm-up's subjects (followed by the same hex): outside <c>ran.&gt;</c>, so no stream of the user's captures them.</summary>
    public const string WarmUpSubjectPrefix = "_xainomaly.warmup.";

    // Warm-up messages published per phase; each phase waits until the ingest acknowledged the one before, so the
    // consume loop sees a lone message, a few, then a burst, and hands the pipeline batches of different sizes (the
    // last ones concurrently, as under load). UE records per message cycle 1…4, as in ue.json.gz (≈ 2.5 on average).
    private static readonly int[] WarmUpPhases = [1, 3, 8, 36];

    // Messages per pull request during the warm-up (see ConsumeAsync).
    private const int WarmUpPullMessages = 8;

    // Removing the temporary stream gets its own short deadline: it must also run after a timeout or at shutdown.
    private static readonly TimeSpan WarmUpCleanupTimeout = TimeSpan.FromSeconds(2);

    private bool _deadStream;
    private bool _warmUpTried;

    /// <summary>The ingest warm-up of this instance, once it has run (null before, and without one).</summary>
    public IngestWarmUp? WarmUp { get; private set; }

    /// <summary>The consumer configuration the ingest binds to (durable, explicit ack, bounded deliveries).</summary>
    public static ConsumerConfig ConsumerConfigFor(ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return WithIngestSettings(new ConsumerConfig(options.ConsumerName), options, options.ReportSubject);
    }

    // What the durable consumer and the warm-up's ephemeral one share, so that the warm-up consumes as the ingest does.
    private static ConsumerConfig WithIngestSettings(ConsumerConfig config, ServiceOptions options, string subject)
    {
        config.AckPolicy = ConsumerConfigAckPolicy.Explicit;
        config.AckWait = options.AckWait;
        // One delivery more than MaxDeliveries: if the process dies while handling the last allowed delivery,
        // the server still hands the message over once more, and that extra delivery goes straight to the
        // dead-letter subject instead of the message staying in the work queue for ever.
        config.MaxDeliver = options.MaxDeliveries + 1;
        config.MaxAckPending = 20_000;
        config.FilterSubject = subject;
        return config;
    }

    /// <summary>Creates (or updates) the work-queue stream of UE reports: file storage, each message kept until acknowledged.</summary>
    public static async Task EnsureStreamAsync(INatsJSContext js, string streamName, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(js);
        await js.CreateOrUpdateStreamAsync(
            new StreamConfig(streamName, [subject])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates (or updates) the work-queue stream and the durable consumer.</summary>
    public static async Task<INatsJSConsumer> EnsureAsync(INatsJSContext js, ServiceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(options);
        await EnsureStreamAsync(js, options.StreamName, options.ReportSubject, cancellationToken).ConfigureAwait(false);
        return await js.CreateOrUpdateConsumerAsync(options.StreamName, ConsumerConfigFor(options), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var js = new NatsJSContext(connection);
                var consumer = await EnsureAsync(js, options, stoppingToken).ConfigureAwait(false);
                _deadStream = await EnsureDeadLetterStreamAsync(js, stoppingToken).ConfigureAwait(false);
                if (options.WarmUp && !_warmUpTried && pipeline.SupportsDryRun)
                {
                    // Once per process: a later bind (after a NATS restart) finds the code compiled already.
                    _warmUpTried = true;
                    WarmUp = await WarmUpAsync(js, stoppingToken).ConfigureAwait(false);
                }
                statistics.Ready = true;
                backoff = TimeSpan.FromMilliseconds(100);
                logger.LogInformation("Consuming {Subject} from stream {Stream} as {Consumer}", options.ReportSubject, options.StreamName, options.ConsumerName);
                await ConsumeAsync(js, consumer, new Run(statistics, dryRun: false), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // NATS restarts, a deleted consumer, a JetStream hiccup: bind again after a short, growing pause.
                statistics.Ready = false;
                statistics.AddError(e.Message);
                logger.LogWarning("JetStream ingest interrupted ({Type}: {Message}); binding again in {Delay} ms", e.GetType().Name, e.Message, (int)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        statistics.Ready = false;
    }

    private async Task<bool> EnsureDeadLetterStreamAsync(INatsJSContext js, CancellationToken cancellationToken)
    {
        try
        {
            await js.CreateOrUpdateStreamAsync(
                new StreamConfig(options.StreamName + "_DEAD", [options.DeadLetterSubject])
                {
                    Retention = StreamConfigRetention.Limits,
                    Storage = StreamConfigStorage.File,
                    MaxAge = TimeSpan.FromDays(7),
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NatsJSApiException e)
        {
            // Another stream already captures the subject (e.g. an operator's own): publish there without a stream of ours.
            logger.LogInformation("Dead letters go to {Subject} without a stream of ours: {Message}", options.DeadLetterSubject, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Runs synthetic UE reports through the real ingest path before the durable consumer is read: a private, temporary
    /// stream (memory storage, a subject of its own), an ephemeral consumer configured as the durable one, and the same
    /// consume loop, batch handling, pipeline call and acknowledgements as real messages, the records as dry runs (scored
    /// and explained, never stored, remembered, published, dead-lettered or counted). The first real messages then find
    /// that code compiled instead of waiting behind its compilation. Bounded by <see cref="ServiceOptions.WarmUpTimeout"/>;
    /// a failure is logged and costs only speed. The stream is deleted in every case.
    /// </summary>
    private async Task<IngestWarmUp> WarmUpAsync(INatsJSContext js, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        string hex = RandomNumberGenerator.GetHexString(16, lowercase: true);
        string stream = WarmUpStreamPrefix + hex.ToUpperInvariant();
        string subject = WarmUpSubjectPrefix + hex;
        var run = new Run(new IngestStatistics(), dryRun: true);
        int sent = 0, records = 0;
        string? error = null;
        bool mayExist = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(options.WarmUpTimeout);
        using var stopConsuming = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        Task consuming = Task.CompletedTask;
        try
        {
            mayExist = true;
            try
            {
                await js.CreateStreamAsync(
                    new StreamConfig(stream, [subject])
                    {
                        Retention = StreamConfigRetention.Workqueue,
                        Storage = StreamConfigStorage.Memory,
                        // Bounds in case the process dies before removing it: the messages expire, the stream stays small.
                        MaxAge = TimeSpan.FromMinutes(1),
                        MaxBytes = 1 << 20,
                    },
                    deadline.Token).ConfigureAwait(false);
            }
            catch (NatsJSApiException)
            {
                mayExist = false; // the server refused it (e.g. a limit, or a stream of the user's captures the subject)
                throw;
            }
            var config = WithIngestSettings(new ConsumerConfig { Name = "xainomaly-warmup-" + hex, InactiveThreshold = TimeSpan.FromMinutes(1) }, options, subject);
            var consumer = await js.CreateOrUpdateConsumerAsync(stream, config, deadline.Token).ConfigureAwait(false);
            consuming = ConsumeAsync(js, consumer, run, stopConsuming.Token);
            foreach (int count in WarmUpPhases)
            {
                var acks = new Task<PubAckResponse>[count];
                for (int i = 0; i < count; i++, sent++)
                {
                    int ues = 1 + (sent % 4);
                    records += ues;
                    // Every fifth message carries a header, as producers' messages may (e.g. Nats-Msg-Id): the
                    // client parses those on another path.
                    var headers = sent % 5 == 4 ? new NatsHeaders { ["Xainomaly-Warm-Up"] = "1" } : null;
                    acks[i] = js.PublishAsync(subject, ReportPipeline.WarmUpReport(sent, ues), headers: headers, cancellationToken: deadline.Token).AsTask();
                }
                foreach (var ack in await Task.WhenAll(acks).ConfigureAwait(false)) ack.EnsureSuccess();
                while (run.Statistics.Messages < sent)
                {
                    // A failed warm-up batch or a consume loop that ended ends the warm-up with its exception.
                    if (run.Failed.IsCompleted) await run.Failed.ConfigureAwait(false);
                    if (consuming.IsCompleted) await consuming.ConfigureAwait(false);
                    await Task.WhenAny(consuming, run.Failed, Task.Delay(1, deadline.Token)).ConfigureAwait(false);
                    deadline.Token.ThrowIfCancellationRequested();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            error = "the service stopped during the warm-up";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = deadline.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"not done within {options.WarmUpTimeout.TotalSeconds:0.###} s")
                : $"{e.GetType().Name}: {e.Message}";
        }
        await stopConsuming.CancelAsync().ConfigureAwait(false);
        try
        {
            await consuming.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed batch is reported above; otherwise the loop was only stopped.
            if (e is not OperationCanceledException) error ??= $"{e.GetType().Name}: {e.Message}";
        }
        if (mayExist) await DeleteWarmUpStreamAsync(js, stream).ConfigureAwait(false);
        var warmUp = new IngestWarmUp(stream, (int)run.Statistics.Messages, records, [.. run.Batches], clock.Elapsed, error);
        if (error is null)
            logger.LogInformation("Warmed the JetStream ingest up in {Milliseconds} ms ({Messages} messages, {Records} records, batches of {Batches} messages)", (int)warmUp.Time.TotalMilliseconds, warmUp.Messages, records, string.Join(", ", warmUp.Batches));
        else
            logger.LogWarning("The JetStream ingest warm-up stopped after {Milliseconds} ms ({Error}); the first messages will be slower", (int)warmUp.Time.TotalMilliseconds, error);
        return warmUp;
    }

    private async Task DeleteWarmUpStreamAsync(INatsJSContext js, string stream)
    {
        using var cleanup = new CancellationTokenSource(WarmUpCleanupTimeout);
        try
        {
            await js.DeleteStreamAsync(stream, cleanup.Token).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // Never created.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("Could not delete the warm-up stream {Stream} ({Type}: {Message}); it holds only synthetic reports, in memory, for at most a minute", stream, e.GetType().Name, e.Message);
        }
    }

    private async Task ConsumeAsync(INatsJSContext js, INatsJSConsumer consumer, Run run, CancellationToken stoppingToken)
    {
        var channel = Channel.CreateBounded<INatsJSMsg<byte[]>>(new BoundedChannelOptions(PullWindow) { SingleReader = true, SingleWriter = true });
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var pump = Task.Run(
            async () =>
            {
                try
                {
                    // The warm-up pulls a few messages at a time, so that its 48 messages also run the consumer's
                    // re-pull, which a real run first needs seconds in (after half of a full pull).
                    var opts = new NatsJSConsumeOpts { MaxMsgs = run.DryRun ? WarmUpPullMessages : PullWindow, Expires = TimeSpan.FromSeconds(5) };
                    await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: opts, cancellationToken: pumpStop.Token).ConfigureAwait(false))
                        await channel.Writer.WriteAsync(msg, pumpStop.Token).ConfigureAwait(false);
                    channel.Writer.TryComplete(new NatsException("the JetStream consumer ended"));
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);
        // Several batches in flight: the pipeline coalesces concurrent calls into larger scoring batches and store
        // transactions, so a fixed per-call cost (a commit) is not paid once per small batch.
        var inFlight = new Queue<Task>(MaxBatchesInFlight);
        try
        {
            while (await channel.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var batch = new List<INatsJSMsg<byte[]>>(MaxBatchMessages);
                while (batch.Count < MaxBatchMessages && channel.Reader.TryRead(out var msg)) batch.Add(msg);
                if (inFlight.Count == MaxBatchesInFlight) await inFlight.Dequeue().ConfigureAwait(false);
                var handling = HandleBatchAsync(js, batch, run, stoppingToken);
                if (run.DryRun) run.Watch(batch.Count, handling);
                inFlight.Enqueue(handling);
            }
            while (inFlight.Count > 0) await inFlight.Dequeue().ConfigureAwait(false);
        }
        finally
        {
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            // Unacknowledged messages of batches cut short are delivered again after the ack wait.
            foreach (var t in inFlight)
            {
                try
                {
                    await t.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or NatsException)
                {
                }
            }
        }
    }

    // A dry run (warm-up) handles its messages as real ones but counts into its own statistics, and a message it would
    // dead-letter or hand back for another delivery fails the warm-up instead: warm-up messages never leave the ingest.
    private async Task HandleBatchAsync(INatsJSContext js, List<INatsJSMsg<byte[]>> batch, Run run, CancellationToken cancellationToken)
    {
        var reports = new List<IncomingReport>(batch.Count * 3);
        var ranges = new (int Start, int Count, string? Poison, DateTimeOffset? Stored)[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var msg = batch[i];
            int start = reports.Count;
            var (delivered, storedAt) = DeliveryOf(msg);
            if (delivered > options.MaxDeliveries)
            {
                ranges[i] = (start, 0, $"not processed in {options.MaxDeliveries} deliveries (the service stopped or failed each time)", null);
                continue;
            }
            if (!ReportSplitter.TrySplit(msg.Data ?? [], "nats", reports, out string? reason, run.DryRun))
            {
                ranges[i] = (start, 0, reason, null);
                continue;
            }
            ranges[i] = (start, reports.Count - start, null, storedAt);
        }

        IReadOnlyList<RecordOutcome> outcomes = [];
        if (reports.Count > 0)
        {
            try
            {
                outcomes = await pipeline.ProcessAsync(reports, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !run.DryRun)
            {
                if (batch.Count > 1)
                {
                    // Find the message that fails: each one alone, so good messages are not held back by a bad one.
                    foreach (var msg in batch) await HandleBatchAsync(js, [msg], run, cancellationToken).ConfigureAwait(false);
                    return;
                }
                await FailedAsync(js, batch[0], e, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var done = DateTimeOffset.UtcNow;
        var rejections = new Dictionary<int, string>();
        long accepted = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.Accepted) accepted++;
            else rejections.TryAdd(outcome.Index, outcome.Reason ?? "rejected");
        }
        run.Statistics.AddRecords(accepted);
        run.Statistics.AddRejected(rejections.Count);

        for (int i = 0; i < batch.Count; i++)
        {
            var msg = batch[i];
            var (start, count, poison, stored) = ranges[i];
            if (run.DryRun && (poison is not null || rejections.Count > 0))
                throw new InvalidOperationException($"a warm-up message was refused: {poison ?? string.Join("; ", rejections.Values)}");
            if (poison is not null)
            {
                await DeadLetterAsync(js, msg, msg.Data ?? [], poison, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                for (int r = start; r < start + count; r++)
                {
                    if (rejections.TryGetValue(r, out string? why))
                        await DeadLetterAsync(js, msg, reports[r].Json, count > 1 ? $"record {r - start}: {why}" : why, cancellationToken).ConfigureAwait(false);
                }
            }
            await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            run.Statistics.AddMessages(1);
            if (stored is { } at) run.Statistics.Latency.Record(done - at, count);
        }
    }

    private async Task FailedAsync(INatsJSContext js, INatsJSMsg<byte[]> msg, Exception e, CancellationToken cancellationToken)
    {
        long delivered = Deliveries(msg);
        logger.LogWarning("Message {Sequence} failed on delivery {Delivered} of {Max}: {Type}: {Message}", Sequence(msg), delivered, options.MaxDeliveries, e.GetType().Name, e.Message);
        if (delivered >= options.MaxDeliveries)
        {
            await DeadLetterAsync(js, msg, msg.Data ?? [], $"failed {delivered} deliveries, last: {e.GetType().Name}: {e.Message}", cancellationToken).ConfigureAwait(false);
            await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            statistics.AddMessages(1);
            return;
        }
        // A short pause first so that a failing dependency (e.g. a full disk) is not hammered at full speed.
        await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        await msg.NakAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        statistics.AddRetried(1);
    }

    private async Task DeadLetterAsync(INatsJSContext js, INatsJSMsg<byte[]> msg, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders
        {
            [ReasonHeader] = HeaderValue(reason),
            [DeliveriesHeader] = Deliveries(msg).ToString(CultureInfo.InvariantCulture),
            [SequenceHeader] = Sequence(msg).ToString(CultureInfo.InvariantCulture),
        };
        var data = body.ToArray();
        if (_deadStream)
        {
            var ack = await js.PublishAsync(options.DeadLetterSubject, data, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            ack.EnsureSuccess();
        }
        else
        {
            await connection.PublishAsync(options.DeadLetterSubject, data, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        statistics.AddDeadLettered(1);
        logger.LogInformation("Dead-lettered a record of message {Sequence} to {Subject}: {Reason}", Sequence(msg), options.DeadLetterSubject, reason);
    }

    // Where one consume run's counters go, and whether its messages are the warm-up's (dry runs).
    private sealed class Run(IngestStatistics statistics, bool dryRun)
    {
        private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IngestStatistics Statistics { get; } = statistics;

        public bool DryRun { get; } = dryRun;

        // Sizes of the batches handed to the pipeline (kept for dry runs only: the warm-up's report).
        public List<int> Batches { get; } = [];

        // Faults with the first failed batch: the consume loop itself notices a failed batch only when it awaits it.
        public Task Failed => _failed.Task;

        public void Watch(int messages, Task handling)
        {
            Batches.Add(messages);
            handling.ContinueWith(
                (t, state) => ((TaskCompletionSource)state!).TrySetException(t.Exception!.InnerExceptions),
                _failed, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    // From the reply subject (JetStreamDelivery); the library's metadata is only the fallback for a subject of a form
    // not known here.
    private static long Deliveries(INatsJSMsg<byte[]> msg) => DeliveryOf(msg).Delivered;

    // The delivery count and the stored time from one parse of the subject (the batch path needs both).
    private static (long Delivered, DateTimeOffset? StoredAt) DeliveryOf(INatsJSMsg<byte[]> msg) =>
        JetStreamDelivery.TryParse(msg.ReplyTo, out var d) ? (d.Delivered, d.Timestamp) : ((long)(msg.Metadata?.NumDelivered ?? 1), msg.Metadata?.Timestamp);

    private static ulong Sequence(INatsJSMsg<byte[]> msg) =>
        JetStreamDelivery.TryParse(msg.ReplyTo, out var d) ? d.StreamSequence : msg.Metadata?.Sequence.Stream ?? 0;

    // Header values are one line of printable text in the NATS protocol; a reason may quote raw input.
    private static string HeaderValue(string reason)
    {
        var chars = reason.ToCharArray();
        for (int i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = ' ';
        return chars.Length > 1000 ? new string(chars, 0, 1000) : new string(chars);
    }
}
