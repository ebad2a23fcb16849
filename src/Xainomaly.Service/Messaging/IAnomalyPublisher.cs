using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>Tells traffic steering about anomalous UEs (on NATS: <c>ran.ad.anomalies</c>).</summary>
public interface IAnomalyPublisher
{
    /// <summary>Publishes each anomalous record in the AD → TS payload shape.</summary>
    ValueTask PublishAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the publishing code on warm-up (dry-run) anomalies without telling traffic steering anything: on NATS they go
    /// to a private subject nobody listens on. Called at start-up so that the first real anomaly does not wait while
    /// that code compiles. The default does nothing.
    /// </summary>
    ValueTask WarmUpAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
