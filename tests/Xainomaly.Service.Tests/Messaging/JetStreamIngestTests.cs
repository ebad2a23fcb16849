using System.Collections.Concurrent;
using System.Text;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Xainomaly.Service.Messaging;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>The JetStream ingest against the nats-server of scripts/services.sh; every test has its own stream and consumer.</summary>
public sealed class JetStreamIngestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Reports_single_and_batched_are_stored_once_and_acknowledged()
    {
        var options = MessagingTestEnv.Options(MessagingTestEnv.Unique());
        var pipeline = new FakeStorePipeline();
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        await using var host = await IngestHost.StartAsync(options, pipeline);

        int records = 0;
        var expected = new HashSet<string>();
        for (int m = 0; m < 150; m++)
        {
            // Every third message is a JSON array of three records; the rest hold one.
            var ues = m % 3 == 0 ? new[] { "UE-0", "UE-1", "UE-2" } : ["UE-x"];
            string body = ues.Length > 1 ? "[" + string.Join(",", ues.Select(ue => FakeStorePipeline.Record(ue, m))) + "]" : FakeStorePipeline.Record(ues[0], m);
            records += ues.Length;
            foreach (var ue in ues) expected.Add(ue + "|" + FakeStorePipeline.Time(m).ToUnixTimeMilliseconds());
            (await js.PublishAsync(options.ReportSubject, Encoding.UTF8.GetBytes(body))).EnsureSuccess();
        }

        Assert.True(await MessagingTestEnv.WaitUntil(() => host.Statistics.Messages == 150, Patience), $"acked {host.Statistics.Messages} of 150");
        Assert.Equal(records, pipeline.Stored.Count);
        // Exactly the records sent, each read from its own message (payload buffers are pooled and reused).
        Assert.True(expected.SetEquals(pipeline.Stored.Keys));
        Assert.Equal(records, pipeline.Attempts);
        Assert.Equal(records, host.Statistics.Records);
        Assert.Equal(0, host.Statistics.DeadLettered);
        // Work-queue retention: acknowledged messages leave the stream.
        var stream = await js.GetStreamAsync(options.StreamName);
        Assert.True(await MessagingTestEnv.WaitUntil(() => { stream.RefreshAsync().AsTask().Wait(); return stream.Info.State.Messages == 0; }, Patience));
        Assert.True(host.Statistics.Latency.Count >= records);
    }

    [Fact]
    public async Task Poison_messages_go_to_the_dead_letter_subject_after_bounded_deliveries_and_ingest_goes_on()
    {
        var options = MessagingTestEnv.Options(MessagingTestEnv.Unique(), maxDeliveries: 3);
        var pipeline = new FakeStorePipeline();
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        var dead = new ConcurrentQueue<NatsMsg<byte[]>>();
        await using var sub = await nats.SubscribeCoreAsync<byte[]>(options.DeadLetterSubject);
        var collect = Task.Run(async () =>
        {
            await foreach (var msg in sub.Msgs.ReadAllAsync()) dead.Enqueue(msg);
        });
        await nats.PingAsync();
        await using var host = await IngestHost.StartAsync(options, pipeline);

        async Task Publish(string body) => (await js.PublishAsync(options.ReportSubject, Encoding.UTF8.GetBytes(body))).EnsureSuccess();
        await Publish("{\"ue-id\": oops");                                       // malformed object: the fake pipeline throws a JsonException
        await Publish("this is not JSON");                                       // neither object nor array: dead at once
        await Publish("[" + FakeStorePipeline.Record("UE-1", 1) + ",{\"measTimeStampRf\":\"2021-06-25T11:00:00\"}]"); // one good, one rejected
        await Publish("{\"fail\":true}");                                        // the pipeline throws every time
        await Publish("");                                                       // no payload at all: dead at once
        for (int i = 0; i < 20; i++) await Publish(FakeStorePipeline.Record("UE-2", 100 + i));

        Assert.True(await MessagingTestEnv.WaitUntil(() => host.Statistics.Messages == 25 && dead.Count == 5, Patience), $"acked {host.Statistics.Messages}, dead {dead.Count}");
        Assert.Equal(21, pipeline.Stored.Count);
        Assert.Equal(1, host.Statistics.Rejected);
        var byReason = dead.ToDictionary(m => Encoding.UTF8.GetString(m.Data ?? []), m => m);
        Assert.Equal("1", byReason[""].Headers![JetStreamIngestService.DeliveriesHeader].ToString());
        Assert.Contains("expected '{' or '['", byReason["this is not JSON"].Headers![JetStreamIngestService.ReasonHeader].ToString(), StringComparison.Ordinal);
        var rejected = byReason["{\"measTimeStampRf\":\"2021-06-25T11:00:00\"}"];
        Assert.Equal("record 1: ue-id: missing required field", rejected.Headers![JetStreamIngestService.ReasonHeader].ToString());
        Assert.Equal("1", rejected.Headers[JetStreamIngestService.DeliveriesHeader].ToString());
        foreach (var body in new[] { "{\"fail\":true}", "{\"ue-id\": oops" })
        {
            var failing = byReason[body];
            Assert.Equal("3", failing.Headers![JetStreamIngestService.DeliveriesHeader].ToString());
            Assert.StartsWith("failed 3 deliveries", failing.Headers[JetStreamIngestService.ReasonHeader].ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(4, host.Statistics.Retried); // two failing messages, each handed back twice before the third delivery

        // The dead letters are kept in a stream of their own.
        var deadStream = await js.GetStreamAsync(options.StreamName + "_DEAD");
        Assert.Equal(5, deadStream.Info.State.Messages);
        await sub.UnsubscribeAsync();
        await collect;
    }

    [Fact]
    public async Task Killed_mid_stream_and_restarted_loses_no_acknowledged_record_and_stores_none_twice()
    {
        var options = MessagingTestEnv.Options(MessagingTestEnv.Unique(), maxDeliveries: 5, ackWaitSeconds: 1);
        var pipeline = new FakeStorePipeline();
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        const int total = 3000;
        await JetStreamIngestService.EnsureStreamAsync(js, options.StreamName, options.ReportSubject, CancellationToken.None);
        var publish = Task.Run(async () =>
        {
            for (int i = 0; i < total; i++) (await js.PublishAsync(options.ReportSubject, Encoding.UTF8.GetBytes(FakeStorePipeline.Record("UE-" + (i % 20), i)))).EnsureSuccess();
        });

        // The first instance dies right after storing its third batch, before acknowledging it.
        int batches = 0;
        var crashed = new TaskCompletionSource();
        pipeline.AfterStore = async (_, ct) =>
        {
            if (Interlocked.Increment(ref batches) != 3) return;
            crashed.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        var first = await IngestHost.StartAsync(options, pipeline);
        await crashed.Task.WaitAsync(Patience);
        long ackedBeforeCrash = first.Statistics.Messages;
        long storedBeforeCrash = pipeline.Stored.Count;
        await first.KillAsync();
        Assert.True(storedBeforeCrash > ackedBeforeCrash, "the crash happened between store and ack");

        pipeline.AfterStore = null;
        await using var second = await IngestHost.StartAsync(options, pipeline);
        await publish;
        Assert.True(await MessagingTestEnv.WaitUntil(() => pipeline.Stored.Count == total, Patience), $"stored {pipeline.Stored.Count} of {total}");
        var stream = await js.GetStreamAsync(options.StreamName);
        Assert.True(await MessagingTestEnv.WaitUntil(() => { stream.RefreshAsync().AsTask().Wait(); return stream.Info.State.Messages == 0; }, Patience));
        // Every record is stored exactly once; the unacknowledged batch was delivered again and found already stored.
        Assert.Equal(total, pipeline.Stored.Count);
        Assert.True(pipeline.Attempts > total, "the batch stored but not acknowledged was redelivered");
        Assert.Equal(0, second.Statistics.DeadLettered);
    }

    [Fact]
    public async Task Two_instances_on_one_durable_consumer_split_the_load_without_duplicates()
    {
        var options = MessagingTestEnv.Options(MessagingTestEnv.Unique());
        var a = new FakeStorePipeline { Tag = "a" };
        var b = new FakeStorePipeline { Tag = "b" };
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        // A little work per batch so that both instances get a share even on a loaded machine.
        a.AfterStore = (_, ct) => Task.Delay(2, ct);
        b.AfterStore = (_, ct) => Task.Delay(2, ct);
        await using var first = await IngestHost.StartAsync(options, a);
        await using var second = await IngestHost.StartAsync(options, b);
        const int total = 4000;
        var acks = new List<Task<NATS.Client.JetStream.Models.PubAckResponse>>(total);
        for (int i = 0; i < total; i++) acks.Add(js.PublishAsync(options.ReportSubject, Encoding.UTF8.GetBytes(FakeStorePipeline.Record("UE-" + (i % 20), i))).AsTask());
        foreach (var ack in await Task.WhenAll(acks)) ack.EnsureSuccess();

        Assert.True(await MessagingTestEnv.WaitUntil(() => first.Statistics.Messages + second.Statistics.Messages == total, Patience), $"acked {first.Statistics.Messages} + {second.Statistics.Messages} of {total}");
        Assert.True(a.Stored.Count > 0 && b.Stored.Count > 0, $"both instances take a share: {a.Stored.Count} / {b.Stored.Count}");
        Assert.Equal(total, a.Stored.Count + b.Stored.Count);
        Assert.Equal(total, a.Stored.Keys.Concat(b.Stored.Keys).Distinct().Count());
        Assert.Equal(total, a.Attempts + b.Attempts);
    }
}
