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

    /// <summary>Subject prefix of <see cref="WarmUpAsync"/>'s messages (core NATS, no subscriber: the server drops them).</summary>
    public const string WarmUpSubjectPrefix = "_xainomaly.warmup.anomalies.";

    private readonly string _warmUpSubject = WarmUpSubjectPrefix + System.Security.Cryptography.RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <inheritdoc />
    public ValueTask PublishAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken) =>
        PublishAsync(options.AnomalySubject, anomalies, count: true, cancellationToken);

    /// <inheritdoc />
    /// <remarks>The same code as <see cref="PublishAsync(IReadOnlyList{ScoredRecord}, CancellationToken)"/>, to a private
    /// subject (<see cref="WarmUpSubjectPrefix"/>), counted nowhere.</remarks>
    public ValueTask WarmUpAsync(IReadOnlyList<ScoredRecord> anomalies, CancellationToken cancellationToken) =>
        PublishAsync(_warmUpSubject, anomalies, count: false, cancellationToken);

    private async ValueTask PublishAsync(string subject, IReadOnlyList<ScoredRecord> anomalies, bool count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anomalies);
        for (int i = 0; i < anomalies.Count; i++)
        {
            var record = anomalies[i];
            try
            {
                await connection.PublishAsync(subject, record, serializer: AnomalyPayloadSerializer.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (count) Interlocked.Increment(ref _published);
            }
            catch (Exception e) when (e is NatsException or TimeoutException)
            {
                // Steering hints are advisory and the record is already stored: a lost hint must not fail ingestion.
                if (count) Interlocked.Increment(ref _failed);
                logger.LogWarning("Could not publish the anomaly of {Ue} at {Time} on {Subject}: {Message}", record.UeId, record.Timestamp, subject, e.Message);
            }
        }
    }
}
