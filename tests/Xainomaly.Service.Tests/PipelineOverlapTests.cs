using System.Text;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

public sealed class PipelineOverlapTests
{
    private static Models M => Models.Shared;

    // A store whose first write waits for the test, recording the order of writes and how many run at once.
    private sealed class GatedStore : IResultStore
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<string> Written { get; } = [];
        public int MaxConcurrent { get; private set; }
        private int _active;

        public async Task<int> WriteAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref _active);
            MaxConcurrent = Math.Max(MaxConcurrent, now);
            FirstWriteStarted.TrySetResult();
            await Gate.Task.ConfigureAwait(false);
            lock (Written) foreach (var r in records) Written.Add(r.Id);
            Interlocked.Decrement(ref _active);
            return records.Count;
        }

        public Task<IReadOnlyList<ScoredRecord>> QueryAnomaliesAsync(string? ueId, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ScoredRecord>>([]);

        public Task<ScoredRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<ScoredRecord?>(null);

        public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult((long)Written.Count);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

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
