using System.Text;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

public sealed class PipelineOverlapTests
{
    private static Models M => Models.Shared;

    private static IncomingReport[] Reports(int from, int count)
    {
        var list = new IncomingReport[count];
        for (int i = 0; i < count; i++) list[i] = new IncomingReport(Encoding.UTF8.GetBytes(M.FlatRow(from + i)), "test");
        return list;
    }

    [Fact]
    public async Task Callers_are_answered_only_after_their_batch_is_stored_and_writes_keep_arrival_order()
    {
        var store = new GatedStore();
        var options = new ServiceOptions { ModelPath = M.TrainedPath };
        var pipeline = new ReportPipeline(M.Trained, store, [], [], new AnomalyFeed(100), new DegradationTracker(30, 10, 5, 20),
            new ServiceMetrics(), options);
        await pipeline.StartAsync(CancellationToken.None);
        var first = pipeline.ProcessAsync(Reports(0, 5), CancellationToken.None);
        await store.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Batch 2 is scored while batch 1's write hangs, but neither caller is answered before its batch is stored.
        var second = pipeline.ProcessAsync(Reports(5, 5), CancellationToken.None);
        await Task.Delay(300);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Empty(store.Written);
        store.Gate.SetResult();
        var a = await first.WaitAsync(TimeSpan.FromSeconds(30));
        var b = await second.WaitAsync(TimeSpan.FromSeconds(30));
        await pipeline.StopAsync(CancellationToken.None);
        Assert.Equal(1, store.MaxConcurrent);
        var expected = new List<string>();
        foreach (var o in a) expected.Add(o.Record!.Id);
        foreach (var o in b) expected.Add(o.Record!.Id);
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected, store.Written);
    }
}
