using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Storage;

/// <summary>The queryable store of scored records (SQLite by default). Writes are idempotent on (ue-id, timestamp).</summary>
public interface IResultStore : IAsyncDisposable
{
    /// <summary>Stores the records durably; returns how many were new (the others were already stored).</summary>
    Task<int> WriteAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken);

    /// <summary>Anomalous records, newest first, optionally of one UE and since a time.</summary>
    Task<IReadOnlyList<ScoredRecord>> QueryAnomaliesAsync(string? ueId, DateTimeOffset? since, int limit, CancellationToken cancellationToken);

    /// <summary>One record by <see cref="ScoredRecord.Id"/>, or null.</summary>
    Task<ScoredRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Number of stored records.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs the write path on <paramref name="records"/> and keeps nothing (e.g. a rolled-back transaction), so that
    /// the first real batch does not pay for compiling it. The default does nothing.
    /// </summary>
    Task WarmUpAsync(IReadOnlyList<ScoredRecord> records, CancellationToken cancellationToken) => Task.CompletedTask;
}
