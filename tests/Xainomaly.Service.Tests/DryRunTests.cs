using System.Text;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

/// <summary>
/// Dry-run (warm-up) reports go through the pipeline's batch loop like real ones but never share a batch with real
/// records and leave no trace: no stored row, UE history, feed entry, sink write, published anomaly or metric.
/// </summary>
public sealed class DryRunTests
{
    private static Models M => Models.Shared;

    private sealed class RecordingSink : IRecordSink
    {
        public List<string> UeIds { get; } = [];

        public int Pending => 0;

        public void Enqueue(IReadOnlyList<ScoredRecord> records)
        {
            lock (UeIds) foreach (var r in records) UeIds.Add(r.UeId);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    // Flags everything it is handed as published, so that an anomaly of a warm-up record reaching it shows.
    private sealed class RecordingPublisher : IAnomalyPublisher
    {
        public List<string> UeIds { get; } = [];

        public ValueTask PublishAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken)
        {
            lock (UeIds) foreach (var r in anomalies) UeIds.Add(r.UeId);
            return ValueTask.CompletedTask;
        }
    }

    private static IncomingReport[] Real(int from, int count)
    {
        var list = new IncomingReport[count];
        for (int i = 0; i < count; i++) list[i] = new IncomingReport(Encoding.UTF8.GetBytes(M.FlatRow(from + i)), "test");
        return list;
    }

    private static IncomingReport[] Dry(int from, int count)
    {
        var list = new IncomingReport[count];
        for (int i = 0; i < count; i++) list[i] = new IncomingReport(ReportPipeline.WarmUpReport(from + i, 1 + (i % 3)), "nats") { DryRun = true };
        return list;
    }

    // A dry-run report the rule detector flags: a table row at the lowest throughput, under a warm-up UE id.
    private static IncomingReport DryAnomalous(int k)
    {
        double lowest = M.Table["throughput"].Numbers!.Min();
        var json = M.FlatRow(k, d =>
        {
            d["ue-id"] = $"warm-up-low-{k}";
            d["throughput"] = lowest;
        });
        return new IncomingReport(Encoding.UTF8.GetBytes(json), "nats") { DryRun = true };
    }

    private static bool IsWarmUp(string ue) => ue.StartsWith("warm-up-", StringComparison.Ordinal);

    [Fact]
    public async Task Dry_run_work_queued_between_real_work_gets_batches_of_its_own_and_leaves_no_trace()
    {
        var store = new GatedStore();
        var sink = new RecordingSink();
        var publisher = new RecordingPublisher();
        var metrics = new ServiceMetrics();
        var tracker = new DegradationTracker(30, 10, 5, 20);
        var feed = new AnomalyFeed(1000);
        // The rule detector flags low throughput: some warm-up records are anomalous and would reach feed and publisher.
        var options = new ServiceOptions { ModelPath = M.TrainedPath, WarmUp = false };
        var pipeline = new ReportPipeline(M.Rule, store, [sink], [publisher], feed, tracker, metrics, options);
        await pipeline.StartAsync(CancellationToken.None);
        string before = metrics.Render();

        // The first real batch holds the writer; meanwhile dry and real work alternate in the queue, so that a loop
        // coalescing everything queued would put them into one write.
        var first = pipeline.ProcessAsync(Real(0, 4), CancellationToken.None);
        await store.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var calls = new List<(bool Dry, Task<IReadOnlyList<RecordOutcome>> Call)>();
        for (int k = 0; k < 8; k++)
        {
            bool dry = k % 2 == 0;
            calls.Add((dry, pipeline.ProcessAsync(dry ? [.. Dry(10 * k, 3), DryAnomalous(k)] : Real(4 + (10 * k), 3), CancellationToken.None)));
        }
        store.Gate.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        int dryRecords = 0, dryAnomalies = 0;
        foreach (var (dry, call) in calls)
        {
            var outcomes = await call.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.All(outcomes, o => Assert.True(o.Accepted, o.Reason));
            if (!dry) continue;
            dryRecords += outcomes.Count;
            dryAnomalies += outcomes.Count(o => o.Record!.Anomalous);
        }
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(4 * (1 + 2 + 3 + 1), dryRecords); // 4 dry calls of 3 reports with 1, 2 and 3 UEs and a flat row
        Assert.True(dryAnomalies > 0, "some warm-up records are anomalous, so the feed and publisher checks below mean something");
        Assert.NotEmpty(store.WarmUps);
        Assert.All(store.WarmUps, batch => Assert.All(batch, r => Assert.True(IsWarmUp(r.UeId), $"real record {r.UeId} in a warm-up write")));
        Assert.All(store.Writes, batch => Assert.All(batch, r => Assert.False(IsWarmUp(r.UeId), $"warm-up record {r.UeId} in a real write")));
        int realRecords = store.Writes.Sum(b => b.Length);
        Assert.Equal(4 + (4 * 3), realRecords);
        Assert.Equal(dryRecords, store.WarmUps.Sum(b => b.Length));
        Assert.DoesNotContain(sink.UeIds, IsWarmUp);
        Assert.Equal(realRecords, sink.UeIds.Count);
        Assert.DoesNotContain(publisher.UeIds, IsWarmUp);
        Assert.DoesNotContain(tracker.Ues(), IsWarmUp);
        Assert.DoesNotContain(feed.Since(0, 1000), e => IsWarmUp(e.Record.UeId));
        // Metrics count the real records and batches only.
        string after = metrics.Render();
        Assert.Contains($"xainomaly_records_total{{source=\"test\"}} {realRecords}\n", after, StringComparison.Ordinal);
        Assert.DoesNotContain("source=\"nats\"", after, StringComparison.Ordinal);
        Assert.Contains($"xainomaly_end_to_end_latency_seconds_count {realRecords}\n", after, StringComparison.Ordinal);
        Assert.Contains($"xainomaly_batches_total {store.Writes.Count}\n", after, StringComparison.Ordinal);
        Assert.Contains("xainomaly_queue_lag_records 0\n", after, StringComparison.Ordinal);
        Assert.Contains("xainomaly_batches_total 0\n", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_records_are_scored_and_explained_and_a_call_mixing_dry_and_real_reports_is_refused()
    {
        var store = new GatedStore();
        store.Gate.SetResult();
        var metrics = new ServiceMetrics();
        var tracker = new DegradationTracker(30, 10, 5, 20);
        var options = new ServiceOptions { ModelPath = M.TrainedPath, WarmUp = false };
        var pipeline = new ReportPipeline(M.Trained, store, [], [], new AnomalyFeed(100), tracker, metrics, options,
            new FastShapRecordExplainer(M.Explainer, 16));
        await pipeline.StartAsync(CancellationToken.None);
        try
        {
            var outcomes = await pipeline.ProcessAsync(Dry(0, 4), CancellationToken.None);
            Assert.Equal(1 + 2 + 3 + 1, outcomes.Count);
            Assert.All(outcomes, o =>
            {
                Assert.True(o.Accepted, o.Reason);
                Assert.True(double.IsFinite(o.Record!.Score));
                // Warm-up records are explained whatever their score, so the explainer runs in every warm-up batch.
                Assert.Equal(options.TopFeatures, o.Record.TopFeatures.Count);
                Assert.NotNull(o.Record.ConfidenceScore);
            });
            Assert.Equal(new[] { 0, 1, 1, 2, 2, 2, 3 }, outcomes.Select(o => o.Index));
            Assert.Empty(store.Writes);
            Assert.Empty(tracker.Ues());

            var mixed = new[] { Dry(9, 1)[0], Real(0, 1)[0] };
            var e = await Assert.ThrowsAsync<ArgumentException>(() => pipeline.ProcessAsync(mixed, CancellationToken.None));
            Assert.Contains("Report 1 is real", e.Message, StringComparison.Ordinal);
            Assert.Contains("xainomaly_stage_seconds_total{stage=\"score\"} 0\n", metrics.Render(), StringComparison.Ordinal);
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
        }
    }
}
