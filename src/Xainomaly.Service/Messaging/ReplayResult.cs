namespace Xainomaly.Service.Messaging;

/// <summary>What a replay sent and how fast.</summary>
/// <param name="Messages">Messages (or HTTP records) sent and acknowledged.</param>
/// <param name="Records">UE records in them.</param>
/// <param name="Failed">Messages that failed (no JetStream ack, or an HTTP error).</param>
/// <param name="Seconds">Wall time from the first send to the last acknowledgement.</param>
public sealed record ReplayResult(long Messages, long Records, long Failed, double Seconds)
{
    /// <summary>Achieved rate in UE records per second.</summary>
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    /// <summary>CPU seconds the replaying process used from the first send to the last acknowledgement (all its threads; 0 when not measured).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Why messages failed or the replay stopped early (the first reason seen), or null.</summary>
    public string? Error { get; init; }
}
