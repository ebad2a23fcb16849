using System.Globalization;
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

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private bool _deadStream;

    /// <summary>The consumer configuration the ingest binds to (durable, explicit ack, bounded deliveries).</summary>
    public static ConsumerConfig ConsumerConfigFor(ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConsumerConfig(options.ConsumerName)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = options.AckWait,
            // One delivery more than MaxDeliveries: if the process dies while handling the last allowed delivery,
            // the server still hands the message over once more, and that extra delivery goes straight to the
            // dead-letter subject instead of the message staying in the work queue for ever.
            MaxDeliver = options.MaxDeliveries + 1,
            MaxAckPending = 20_000,
            FilterSubject = options.ReportSubject,
        };
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
                statistics.Ready = true;
                backoff = TimeSpan.FromMilliseconds(100);
                logger.LogInformation("Consuming {Subject} from stream {Stream} as {Consumer}", options.ReportSubject, options.StreamName, options.ConsumerName);
                await ConsumeAsync(js, consumer, stoppingToken).ConfigureAwait(false);
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

    private async Task ConsumeAsync(INatsJSContext js, INatsJSConsumer consumer, CancellationToken stoppingToken)
    {
        var channel = Channel.CreateBounded<INatsJSMsg<byte[]>>(new BoundedChannelOptions(MaxBatchMessages * MaxBatchesInFlight) { SingleReader = true, SingleWriter = true });
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var pump = Task.Run(
            async () =>
            {
                try
                {
                    var opts = new NatsJSConsumeOpts { MaxMsgs = MaxBatchMessages * MaxBatchesInFlight, Expires = TimeSpan.FromSeconds(5) };
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
                inFlight.Enqueue(HandleBatchAsync(js, batch, stoppingToken));
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

    private async Task HandleBatchAsync(INatsJSContext js, List<INatsJSMsg<byte[]>> batch, CancellationToken cancellationToken)
    {
        var reports = new List<IncomingReport>(batch.Count * 3);
        var ranges = new (int Start, int Count, string? Poison)[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var msg = batch[i];
            int start = reports.Count;
            long delivered = Deliveries(msg);
            if (delivered > options.MaxDeliveries)
            {
                ranges[i] = (start, 0, $"not processed in {options.MaxDeliveries} deliveries (the service stopped or failed each time)");
                continue;
            }
            if (!ReportSplitter.TrySplit(msg.Data ?? [], "nats", reports, out string? reason))
            {
                ranges[i] = (start, 0, reason);
                continue;
            }
            ranges[i] = (start, reports.Count - start, null);
        }

        IReadOnlyList<RecordOutcome> outcomes = [];
        if (reports.Count > 0)
        {
            try
            {
                outcomes = await pipeline.ProcessAsync(reports, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (batch.Count > 1)
                {
                    // Find the message that fails: each one alone, so good messages are not held back by a bad one.
                    foreach (var msg in batch) await HandleBatchAsync(js, [msg], cancellationToken).ConfigureAwait(false);
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
        statistics.AddRecords(accepted);
        statistics.AddRejected(rejections.Count);

        for (int i = 0; i < batch.Count; i++)
        {
            var msg = batch[i];
            var (start, count, poison) = ranges[i];
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
            statistics.AddMessages(1);
            if (poison is null && msg.Metadata is { } meta) statistics.Latency.Record(done - meta.Timestamp, count);
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

    private static long Deliveries(INatsJSMsg<byte[]> msg) => (long)(msg.Metadata?.NumDelivered ?? 1);

    private static ulong Sequence(INatsJSMsg<byte[]> msg) => msg.Metadata?.Sequence.Stream ?? 0;

    // Header values are one line of printable text in the NATS protocol; a reason may quote raw input.
    private static string HeaderValue(string reason)
    {
        var chars = reason.ToCharArray();
        for (int i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = ' ';
        return chars.Length > 1000 ? new string(chars, 0, 1000) : new string(chars);
    }
}
