namespace Xainomaly.Service.Messaging;

/// <summary>Counters of the JetStream ingest (for <c>/metrics</c> and tests). Thread-safe.</summary>
public sealed class IngestStatistics
{
    private long _messages;
    private long _records;
    private long _rejected;
    private long _deadLettered;
    private long _retried;
    private long _errors;

    /// <summary>Messages acknowledged (stored, rejected or dead-lettered).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Records the pipeline accepted.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Records the pipeline rejected (bad input).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Messages or records sent to the dead-letter subject.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Messages handed back for another delivery after a failure.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Connection or consumer errors the ingest recovered from.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>End-to-end latency per accepted record: from JetStream storing the message to the pipeline having stored its records.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>True while the consumer is bound and receiving.</summary>
    public bool Ready
    {
        get => _readySinceTicks != 0;
        internal set => Volatile.Write(ref _readySinceTicks, value ? (_readySinceTicks != 0 ? _readySinceTicks : DateTime.UtcNow.Ticks) : 0);
    }

    /// <summary>Since when the consumer has been bound (UTC), or null while it is not.</summary>
    public DateTime? ReadySince
    {
        get
        {
            long ticks = Volatile.Read(ref _readySinceTicks);
            return ticks == 0 ? null : new DateTime(ticks, DateTimeKind.Utc);
        }
    }

    private long _readySinceTicks;

    /// <summary>The last error the ingest recovered from, if any.</summary>
    public string? LastError { get; internal set; }

    internal void AddMessages(long n) => Interlocked.Add(ref _messages, n);

    internal void AddRecords(long n) => Interlocked.Add(ref _records, n);

    internal void AddRejected(long n) => Interlocked.Add(ref _rejected, n);

    internal void AddDeadLettered(long n) => Interlocked.Add(ref _deadLettered, n);

    internal void AddRetried(long n) => Interlocked.Add(ref _retried, n);

    internal void AddError(string message)
    {
        Interlocked.Increment(ref _errors);
        LastError = message;
    }
}
