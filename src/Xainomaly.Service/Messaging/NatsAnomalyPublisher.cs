using Microsoft.Extensions.Logging;

using NATS.Client.Core;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>Publishes each anomalous record on the anomaly subject (core NATS, like the RMR message it replaces).</summary>
/// <remarks>
/// Each payload's bytes are encoded once per record (<see cref="RecordBytes"/>, normally already on the pipeline's
/// scoring side, sharing the KPI text with the store) and only copied into the client's pooled message buffer
/// (<see cref="AnomalyPayloadSerializer"/>). While the connection's pipe has room a publish completes synchronously,
/// so awaiting them in order costs little and keeps per-anomaly failure accounting and the order of the hints.
/// (NATS.Client.Core has no multi-message publish: each message still takes the client's lock and a pipe flush.)
/// </remarks>
public sealed class NatsAnomalyPublisher(INatsConnection connection, ServiceOptions options, ILogger<NatsAnomalyPublisher> logger) : IAnomalyPublisher
{
    private long _published;
    private long _failed;

    /// <summary>Anomalies published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Anomalies that could not be published (NATS unreachable for longer than the publish timeout).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <inheritdoc />
    public async ValueTask PublishAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anomalies);
        for (int i = 0; i < anomalies.Count; i++)
        {
            var record = anomalies[i];
            try
            {
                await connection.PublishAsync(options.AnomalySubject, record, serializer: AnomalyPayloadSerializer.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _published);
            }
            catch (Exception e) when (e is NatsException or TimeoutException)
            {
                // Steering hints are advisory and the record is already stored: a lost hint must not fail ingestion.
                Interlocked.Increment(ref _failed);
                logger.LogWarning("Could not publish the anomaly of {Ue} at {Time} on {Subject}: {Message}", record.UeId, record.Timestamp, options.AnomalySubject, e.Message);
            }
        }
    }
}
