using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Storage;

/// <summary>
/// A write-only log the records also go to (InfluxDB). A sink buffers and retries on its own: the pipeline hands it
/// records after they are in the <see cref="IResultStore"/> and does not wait for the remote side.
/// </summary>
public interface IRecordSink : IAsyncDisposable
{
    /// <summary>Queues records for writing; never blocks on the remote side.</summary>
    void Enqueue(IReadOnlyList<ScoredRecord> records);

    /// <summary>Records waiting to be written.</summary>
    int Pending { get; }
}
