using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>Tells traffic steering about anomalous UEs (on NATS: <c>ran.ad.anomalies</c>).</summary>
public interface IAnomalyPublisher
{
    /// <summary>Publishes each anomalous record in the AD → TS payload shape.</summary>
    ValueTask PublishAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken);
}
