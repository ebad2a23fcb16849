using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests;

/// <summary>
/// A result store for pipeline tests: every real write waits for <see cref="Gate"/>, and it records the batches written
/// (in order), the rolled-back warm-up writes and how many writes ran at once.
/// </summary>
internal sealed class GatedStore : IResultStore
{
    private int _active;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The batches written, in order.</summary>
    public List<ScoredRecord[]> Writes { get; } = [];

    /// <summary>The batches of warm-up (rolled-back) writes.</summary>
    public List<ScoredRecord[]> WarmUps { get; } = [];

    /// <summary>The ids of every written record, in write order.</summary>
    public List<string> Written
    {
        get
        {
            lock (Writes) return [.. Writes.SelectMany(b => b).Select(r => r.Id)];
        }
    }

    public int MaxConcurrent { get; private set; }

    public async Task<int> WriteAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken)
    {
        int now = Interlocked.Increment(ref _active);
        MaxConcurrent = Math.Max(MaxConcurrent, now);
        FirstWriteStarted.TrySetResult();
        await Gate.Task.ConfigureAwait(false);
        lock (Writes) Writes.Add([.. records]);
        Interlocked.Decrement(ref _active);
        return records.Count;
    }

    public Task WarmUpAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken)
    {
        lock (WarmUps) WarmUps.Add([.. records]);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ScoredRecord>> QueryAnomaliesAsync(string? ueId, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ScoredRecord>>([]);

    public Task<ScoredRecord?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<ScoredRecord?>(null);

    public Task<long> CountAsync(CancellationToken cancellationToken)
    {
        lock (Writes) return Task.FromResult((long)Writes.Sum(b => b.Length));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
