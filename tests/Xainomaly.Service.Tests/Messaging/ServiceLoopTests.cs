using System.Collections.Concurrent;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using NATS.Client.JetStream;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Steering;
using Xainomaly.Service.Storage;
using Xainomaly.Simulation;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>The whole loop with the real service: replay → JetStream → pipeline → SQLite, anomalies → steering → commands.</summary>
public sealed class ServiceLoopTests
{
    private static readonly Lazy<(KpiTable Table, DetectorModel Model)> Trained = new(() =>
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 6, Seconds = 20, Seed = 5 });
        var result = DetectionExperiment.Run(table, DetectorTrainers.Create("ss-deepcae", new TrainerSettings { Steps = 150 }), new ExperimentOptions { LabelBudget = 60, Seed = 5 });
        return (table, result.Model);
    });

    [Fact]
    public async Task Replayed_reports_are_stored_once_and_anomalies_reach_steering_with_their_cells()
    {
        var (table, model) = Trained.Value;
        string token = MessagingTestEnv.Unique();
        string dir = MessagingTestEnv.TempDir();
        string reports = Path.Combine(dir, "reports.jsonl");
        UeReportJsonWriter.Write(table, reports);
        var options = MessagingTestEnv.Options(token) with { StorePath = Path.Combine(dir, "store.db"), HttpUrl = "http://127.0.0.1:0" };

        await using var nats = await MessagingTestEnv.ConnectAsync();
        var steering = new SteeringOptions { AnomalySubject = options.AnomalySubject, CommandSubject = $"t.{token}.ts" };
        var policy = new TrafficSteeringPolicy(new ShannonThroughputPredictor(), new TrafficSteeringOptions { MaxCs = null });
        var decisions = new ConcurrentBag<SteeringDecision>();
        var anomalies = new ConcurrentBag<AnomalyMessage>();
        var loop = new TrafficSteeringLoop(nats, policy, steering)
        {
            Decided = (a, d, _) =>
            {
                anomalies.Add(a);
                decisions.Add(d);
            },
        };
        using var stopSteering = new CancellationTokenSource();
        var steer = loop.RunAsync(null, stopSteering.Token);
        await loop.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));

        await using var service = ServiceHost.Create(options, model);
        await service.StartAsync();
        var store = service.Services.GetRequiredService<IResultStore>();
        var statistics = service.Services.GetRequiredService<IngestStatistics>();
        var beforeReady = DateTime.UtcNow;
        Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Ready, TimeSpan.FromSeconds(10)), "the ingest binds its stream and consumer");
        Assert.NotNull(statistics.ReadySince);
        Assert.InRange(statistics.ReadySince.Value, beforeReady.AddSeconds(-30), DateTime.UtcNow);

        var messages = ReplaySource.Load(reports, null);
        var js = new NatsJSContext(nats);
        var replay = await ReportReplayer.ToJetStreamAsync(js, options.ReportSubject, messages, null, null, CancellationToken.None);
        Assert.Equal(table.RowCount, replay.Records);
        Assert.Equal(0, replay.Failed);

        Assert.True(await MessagingTestEnv.WaitUntil(() => store.CountAsync(CancellationToken.None).Result == table.RowCount, TimeSpan.FromSeconds(30)));
        var flagged = await store.QueryAnomaliesAsync(null, null, 100_000, CancellationToken.None);
        Assert.NotEmpty(flagged);
        Assert.True(await MessagingTestEnv.WaitUntil(() => decisions.Count == flagged.Count, TimeSpan.FromSeconds(10)), $"{decisions.Count} decisions for {flagged.Count} anomalies");

        // Replaying the same reports again stores nothing new (idempotent on ue-id and timestamp).
        await ReportReplayer.ToJetStreamAsync(js, options.ReportSubject, messages, null, null, CancellationToken.None);
        Assert.True(await MessagingTestEnv.WaitUntil(() => statistics.Messages == 2L * messages.Count, TimeSpan.FromSeconds(30)));
        Assert.Equal(table.RowCount, await store.CountAsync(CancellationToken.None));

        // Every anomaly carries the serving cell and five measured neighbours, so steering can name a target.
        Assert.All(anomalies, a =>
        {
            Assert.NotNull(a.Serving);
            Assert.Equal(UeSchema.NeighbourCount, a.Neighbours.Count);
        });
        Assert.All(decisions, d => Assert.NotNull(d.BestNeighbour));
        var metrics = service.Services.GetRequiredService<ServiceMetrics>().Render();
        Assert.Contains("xainomaly_nats_latency_p99_seconds", metrics, StringComparison.Ordinal);
        // The histogram form: cumulative buckets ending in +Inf = _count = every record the latency saw.
        Assert.Contains("# TYPE xainomaly_nats_latency_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains($"xainomaly_nats_latency_seconds_bucket{{le=\"+Inf\"}} {statistics.Latency.Count}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"xainomaly_nats_latency_seconds_count {statistics.Latency.Count}\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"xainomaly_nats_latency_seconds_bucket{{le=\"0.01\"}} {statistics.Latency.CountAtMost(10)}\n", metrics, StringComparison.Ordinal);
        Assert.True(statistics.Latency.Count >= table.RowCount);

        await stopSteering.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => steer);
    }
}
