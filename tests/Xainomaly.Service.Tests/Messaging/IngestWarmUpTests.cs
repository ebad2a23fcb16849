using System.Collections.Concurrent;

using Microsoft.Extensions.DependencyInjection;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>
/// The JetStream ingest's start-up warm-up against the nats-server of scripts/services.sh: synthetic reports through a
/// private stream and the real ingest path, then nothing left behind — no stream, row, history, anomaly, dead letter,
/// count or acknowledgement on the durable consumer — and a warm-up the server refuses leaves the service working.
/// </summary>
public sealed class IngestWarmUpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static Models M => Models.Shared;

    // Test machines are slow and busy; the default cap is for production start-up.
    private static ServiceOptions Options(string token, string dir) => MessagingTestEnv.Options(token) with
    {
        StorePath = Path.Combine(dir, "store.db"),
        HttpUrl = "http://127.0.0.1:0",
        WarmUpTimeout = TimeSpan.FromSeconds(30),
    };

    private static ServiceHost Create(ServiceOptions options) =>
        ServiceHost.Create(options, M.Trained, new FastShapRecordExplainer(M.Explainer, 16));

    // Starts a service and waits until its ingest (warm-up included) has bound the durable consumer.
    private static async Task<ServiceHost> StartReadyAsync(ServiceOptions options)
    {
        var service = Create(options);
        await service.StartAsync();
        var statistics = service.Services.GetRequiredService<IngestStatistics>();
        Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Ready, Patience), "the ingest binds its consumer: " + statistics.LastError);
        return service;
    }

    // Collects what arrives on a core subject (anomalies, dead letters) from before the service starts.
    private static async Task<(INatsSub<byte[]> Sub, ConcurrentQueue<string> Got, Task Loop)> ListenAsync(NatsConnection nats, string subject)
    {
        var got = new ConcurrentQueue<string>();
        var sub = await nats.SubscribeCoreAsync<byte[]>(subject);
        var loop = Task.Run(async () =>
        {
            await foreach (var msg in sub.Msgs.ReadAllAsync()) got.Enqueue(System.Text.Encoding.UTF8.GetString(msg.Data ?? []));
        });
        await nats.PingAsync();
        return (sub, got, loop);
    }

    private static async Task<bool> StreamExistsAsync(NatsJSContext js, string name)
    {
        await foreach (var s in js.ListStreamNamesAsync())
            if (s == name) return true;
        return false;
    }

    [Fact]
    public async Task The_warm_up_runs_the_ingest_path_and_leaves_no_stream_record_count_or_ack_and_real_messages_follow()
    {
        string token = MessagingTestEnv.Unique();
        var options = Options(token, MessagingTestEnv.TempDir());
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        var anomalies = await ListenAsync(nats, options.AnomalySubject);
        var warmUpAnomalies = await ListenAsync(nats, NatsAnomalyPublisher.WarmUpSubjectPrefix + ">");
        var dead = await ListenAsync(nats, options.DeadLetterSubject);

        await using var service = await StartReadyAsync(options);
        var statistics = service.Services.GetRequiredService<IngestStatistics>();
        var ingest = service.Services.GetRequiredService<JetStreamIngestService>();

        // It ran: every warm-up message went through the consume loop in batches of different sizes.
        var warmUp = ingest.WarmUp;
        Assert.NotNull(warmUp);
        Assert.Null(warmUp.Error);
        Assert.StartsWith(JetStreamIngestService.WarmUpStreamPrefix, warmUp.Stream, StringComparison.Ordinal);
        Assert.Equal(48, warmUp.Messages);
        Assert.Equal(120, warmUp.Records); // 1…4 UE records per message, cycling
        Assert.Equal(48, warmUp.Batches.Sum());
        Assert.Equal(1, warmUp.Batches[0]);
        Assert.True(warmUp.Batches.Distinct().Count() >= 3, "batches of " + string.Join(", ", warmUp.Batches));
        Assert.True(warmUp.Time > TimeSpan.Zero);

        // (1) no warm-up stream is left on the server.
        Assert.False(await StreamExistsAsync(js, warmUp.Stream), $"{warmUp.Stream} is still there");

        // (2) nothing stored, remembered, published, dead-lettered or counted; the durable consumer untouched.
        var store = service.Services.GetRequiredService<IResultStore>();
        Assert.Equal(0, await store.CountAsync(CancellationToken.None));
        Assert.Empty(service.Services.GetRequiredService<DegradationTracker>().Ues());
        Assert.Equal(1, service.Services.GetRequiredService<AnomalyFeed>().Next);
        Assert.Equal((0L, 0L, 0L, 0L, 0L, 0L, 0L), (statistics.Messages, statistics.Records, statistics.Rejected, statistics.DeadLettered, statistics.Retried, statistics.Errors, statistics.Latency.Count));
        var consumer = await js.GetConsumerAsync(options.StreamName, options.ConsumerName);
        Assert.Equal(0UL, consumer.Info.AckFloor.StreamSeq);
        Assert.Equal(0UL, consumer.Info.Delivered.StreamSeq);
        Assert.Equal(0L, consumer.Info.NumAckPending);
        var deadStream = await js.GetStreamAsync(options.StreamName + "_DEAD");
        Assert.Equal(0L, deadStream.Info.State.Messages);
        string metrics = service.Services.GetRequiredService<ServiceMetrics>().Render();
        foreach (var zero in new[]
        {
            "xainomaly_records_total{source=\"http\"} 0", "xainomaly_anomalies_total 0", "xainomaly_explanations_total 0",
            "xainomaly_stored_total 0", "xainomaly_batches_total 0", "xainomaly_queue_lag_records 0",
            "xainomaly_end_to_end_latency_seconds_count 0", "xainomaly_stage_seconds_total{stage=\"parse\"} 0",
            "xainomaly_stage_seconds_total{stage=\"score\"} 0", "xainomaly_stage_seconds_total{stage=\"store\"} 0",
            "xainomaly_nats_messages_acked 0", "xainomaly_nats_dead_letters 0", "xainomaly_nats_latency_seconds_count 0",
        })
        {
            Assert.Contains(zero + "\n", metrics, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("source=\"nats\"", metrics, StringComparison.Ordinal);
        // …except the warm-up time, which includes the ingest's.
        var pipeline = service.Services.GetRequiredService<ReportPipeline>();
        Assert.Equal(pipeline.WarmUpTime.TotalSeconds + warmUp.Time.TotalSeconds, ServiceHost.WarmUpSeconds(service.Services), 9);
        Assert.True(warmUp.Time.TotalSeconds > 0 && pipeline.WarmUpTime > TimeSpan.Zero);

        // (3) real messages afterwards — the very reports of the warm-up — are processed normally: all stored (the
        // warm-up kept none, or the idempotent store would call them repeats), their anomalies published.
        for (int i = 0; i < 48; i++)
            (await js.PublishAsync(options.ReportSubject, ReportPipeline.WarmUpReport(i, 1 + (i % 4)))).EnsureSuccess();
        Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Messages == 48, Patience), $"acked {statistics.Messages} of 48");
        Assert.Equal(120, await store.CountAsync(CancellationToken.None));
        Assert.Equal(120, statistics.Records);
        var flagged = await store.QueryAnomaliesAsync(null, null, 1000, CancellationToken.None);
        // The same reports, the same scores: the warm-up had these anomalies too, and published none of them.
        Assert.NotEmpty(flagged);
        Assert.True(await MessagingTestEnv.WaitUntil(() => anomalies.Got.Count == flagged.Count, Patience), $"{anomalies.Got.Count} anomalies published for {flagged.Count}");
        Assert.Empty(dead.Got);
        // The warm-up ran the publishing code on its anomalies, to a private subject: the same UEs, none on the real one.
        Assert.Equal(flagged.Count, warmUpAnomalies.Got.Count);
        Assert.Equal(anomalies.Got.Select(UeOf).Order(StringComparer.Ordinal), warmUpAnomalies.Got.Select(UeOf).Order(StringComparer.Ordinal));
        Assert.Contains("xainomaly_records_total{source=\"nats\"} 120\n", service.Services.GetRequiredService<ServiceMetrics>().Render(), StringComparison.Ordinal);

        await anomalies.Sub.UnsubscribeAsync();
        await dead.Sub.UnsubscribeAsync();
        await warmUpAnomalies.Sub.UnsubscribeAsync();
        await Task.WhenAll(anomalies.Loop, dead.Loop, warmUpAnomalies.Loop);

        static string UeOf(string payload)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            return doc.RootElement.GetProperty("ue-id").GetString()!;
        }
    }

    [Fact]
    public async Task A_warm_up_the_server_refuses_is_logged_and_the_service_works()
    {
        string token = MessagingTestEnv.Unique();
        var options = Options(token, MessagingTestEnv.TempDir());
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        // A stream that already captures every warm-up subject: JetStream refuses the warm-up's stream (overlapping
        // subjects), as it would for an operator's catch-all stream or an account at its stream limit.
        string blocker = "T_WARMUP_BLOCK_" + token;
        // Another test's service may be warming up right now (its stream lives well under a second): try again then.
        Assert.True(await MessagingTestEnv.WaitUntil(() =>
        {
            try
            {
                js.CreateStreamAsync(new StreamConfig(blocker, [JetStreamIngestService.WarmUpSubjectPrefix + ">"]) { Storage = StreamConfigStorage.Memory }).AsTask().GetAwaiter().GetResult();
                return true;
            }
            catch (NatsJSApiException)
            {
                return false;
            }
        }, Patience), "the blocking stream could be created");
        try
        {
            await using var service = await StartReadyAsync(options);
            var statistics = service.Services.GetRequiredService<IngestStatistics>();
            var ingest = service.Services.GetRequiredService<JetStreamIngestService>();

            var warmUp = ingest.WarmUp;
            Assert.NotNull(warmUp);
            Assert.NotNull(warmUp.Error);
            Assert.Contains("overlap", warmUp.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, warmUp.Messages);
            Assert.False(await StreamExistsAsync(js, warmUp.Stream));
            Assert.Equal(0L, (await js.GetStreamAsync(blocker)).Info.State.Messages);
            Assert.Equal(0L, statistics.Errors); // a failed warm-up is no ingest error: the consumer bound at once

            for (int i = 0; i < 10; i++)
                (await js.PublishAsync(options.ReportSubject, ReportPipeline.WarmUpReport(100 + i, 2))).EnsureSuccess();
            Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Messages == 10, Patience), $"acked {statistics.Messages} of 10");
            Assert.Equal(20, await service.Services.GetRequiredService<IResultStore>().CountAsync(CancellationToken.None));
            Assert.Equal(0L, statistics.DeadLettered);
        }
        finally
        {
            await js.DeleteStreamAsync(blocker);
        }
    }

    [Fact]
    public async Task A_warm_up_cut_short_by_its_time_cap_removes_its_stream_and_the_service_works()
    {
        string token = MessagingTestEnv.Unique();
        // A cap far below what the warm-up needs (its four rounds of publishing, consuming and acknowledging take tens of
        // milliseconds once the pipeline's own warm-up compiled the code): it stops wherever it is (creating the stream,
        // publishing, consuming).
        var options = Options(token, MessagingTestEnv.TempDir()) with { WarmUpTimeout = TimeSpan.FromMilliseconds(2) };
        await using var nats = await MessagingTestEnv.ConnectAsync();
        var js = new NatsJSContext(nats);
        await using var service = await StartReadyAsync(options);
        var statistics = service.Services.GetRequiredService<IngestStatistics>();

        var warmUp = service.Services.GetRequiredService<JetStreamIngestService>().WarmUp;
        Assert.NotNull(warmUp);
        Assert.Equal("not done within 0.002 s", warmUp.Error);
        Assert.True(warmUp.Messages < 48);
        // Bounded: the cap, then at most the stream's removal (2 s) and stopping the consume loop.
        Assert.True(warmUp.Time < TimeSpan.FromSeconds(10), $"took {warmUp.Time}");
        Assert.False(await StreamExistsAsync(js, warmUp.Stream), $"{warmUp.Stream} is still there");

        for (int i = 0; i < 6; i++)
            (await js.PublishAsync(options.ReportSubject, ReportPipeline.WarmUpReport(200 + i, 3))).EnsureSuccess();
        Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Messages == 6, Patience), $"acked {statistics.Messages} of 6");
        var store = service.Services.GetRequiredService<IResultStore>();
        Assert.True(await MessagingTestEnv.WaitUntil(() => store.CountAsync(CancellationToken.None).Result == 18, Patience));
        Assert.Equal(18, statistics.Records); // warm-up records still in the pipeline when the cap hit are not counted
        Assert.Equal(0L, statistics.DeadLettered);
    }

    [Fact]
    public async Task Without_warm_up_no_stream_is_made_and_a_pipeline_without_dry_runs_is_never_warmed_up()
    {
        string token = MessagingTestEnv.Unique();
        var off = Options(token, MessagingTestEnv.TempDir()) with { WarmUp = false };
        await using (var service = Create(off))
        {
            await service.StartAsync();
            var statistics = service.Services.GetRequiredService<IngestStatistics>();
            Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Ready, Patience), "the ingest binds its consumer: " + statistics.LastError);
            Assert.Null(service.Services.GetRequiredService<JetStreamIngestService>().WarmUp);
            Assert.Equal(0, ServiceHost.WarmUpSeconds(service.Services));
        }

        // The fake pipeline of the ingest tests would store warm-up records: it does not claim dry runs, so none come.
        var fake = new FakeStorePipeline();
        Assert.False(((IReportPipeline)fake).SupportsDryRun);
        await using var host = await IngestHost.StartAsync(MessagingTestEnv.Options(MessagingTestEnv.Unique()), fake);
        Assert.Null(host.Services.GetRequiredService<JetStreamIngestService>().WarmUp);
        Assert.Equal(0, fake.Attempts);
    }
}
