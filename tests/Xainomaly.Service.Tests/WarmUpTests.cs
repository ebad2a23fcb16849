using System.Text;

using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

/// <summary>The start-up warm-up runs the whole hot path and leaves no trace: no row, UE history or metric.</summary>
public sealed class WarmUpTests
{
    private static Models M => Models.Shared;

    [Fact]
    public async Task The_warm_up_leaves_no_stored_row_history_or_metric_and_records_are_scored_as_without_it()
    {
        var dir = TestEnv.TempDir();
        var withWarmUp = await RunAsync(Path.Combine(dir, "warm.db"), warmUp: true);
        var without = await RunAsync(Path.Combine(dir, "cold.db"), warmUp: false);
        Assert.True(withWarmUp.WarmUp > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, without.WarmUp);
        foreach (var run in new[] { withWarmUp, without })
        {
            Assert.Equal(0, run.CountBefore); // the rolled-back warm-up batch left nothing in the file
            Assert.Empty(run.UesBefore);
            Assert.DoesNotContain("warm-up", run.MetricsBefore, StringComparison.Ordinal);
            Assert.Matches("xainomaly_stage_seconds_total\\{stage=\"score\"\\} 0\n", run.MetricsBefore);
            Assert.Equal(20, run.CountAfter);
        }
        // Scores, decisions and φ do not depend on the warm-up (CS/EM do only through the explainer's per-call seed).
        Assert.Equal(without.Outcomes.Count, withWarmUp.Outcomes.Count);
        for (int i = 0; i < without.Outcomes.Count; i++)
        {
            var a = withWarmUp.Outcomes[i].Record!;
            var b = without.Outcomes[i].Record!;
            Assert.Equal(b.Id, a.Id);
            Assert.Equal(b.Score, a.Score);
            Assert.Equal(b.Anomalous, a.Anomalous);
            Assert.Equal(b.Degradation, a.Degradation);
            Assert.Equal(b.TopFeatures.Count, a.TopFeatures.Count);
            for (int k = 0; k < a.TopFeatures.Count; k++) Assert.Equal(b.TopFeatures[k], a.TopFeatures[k]);
        }
    }

    private sealed record Run(TimeSpan WarmUp, long CountBefore, string[] UesBefore, string MetricsBefore, long CountAfter, IReadOnlyList<RecordOutcome> Outcomes);

    private static async Task<Run> RunAsync(string db, bool warmUp)
    {
        await using var store = SqliteResultStore.Open(db);
        var metrics = new ServiceMetrics();
        var tracker = new DegradationTracker(30, 10, 5, 20);
        var options = new ServiceOptions { ModelPath = M.TrainedPath, WarmUp = warmUp, ExplainAll = true };
        var pipeline = new ReportPipeline(M.Trained, store, [], [], new AnomalyFeed(100), tracker, metrics, options,
            new FastShapRecordExplainer(M.Explainer, 16));
        await pipeline.StartAsync(CancellationToken.None);
        long before = await store.CountAsync(CancellationToken.None);
        var ues = tracker.Ues();
        string rendered = metrics.Render();
        var reports = new IncomingReport[20];
        for (int i = 0; i < reports.Length; i++) reports[i] = new IncomingReport(Encoding.UTF8.GetBytes(M.FlatRow(i)), "test");
        var outcomes = await pipeline.ProcessAsync(reports, CancellationToken.None);
        await pipeline.StopAsync(CancellationToken.None);
        return new Run(pipeline.WarmUpTime, before, ues, rendered, await store.CountAsync(CancellationToken.None), outcomes);
    }
}
