using NATS.Client.Core;

using Xainomaly.Data;

namespace Xainomaly.Service.Steering;

/// <summary>
/// The TS side of the loop: reads anomalies from NATS, decides with an <see cref="ISteeringPolicy"/>, publishes
/// handover commands, and reports every decision (and every unreadable message) to its callbacks for logging.
/// </summary>
public sealed class TrafficSteeringLoop(INatsConnection connection, ISteeringPolicy policy, SteeringOptions options)
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _anomalies;
    private long _handOffs;
    private long _invalid;

    /// <summary>Called after each decision with the anomaly, the decision and the command sent (null when none).</summary>
    public Action<AnomalyMessage, SteeringDecision, byte[]?>? Decided { get; init; }

    /// <summary>Called for a message that is not a readable anomaly, with the reason.</summary>
    public Action<string>? Invalid { get; init; }

    /// <summary>Completes once the subscription is in place (messages published after it are seen).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Anomalies decided on.</summary>
    public long Anomalies => Interlocked.Read(ref _anomalies);

    /// <summary>Handovers ordered.</summary>
    public long HandOffs => Interlocked.Read(ref _handOffs);

    /// <summary>Messages that could not be read as anomalies.</summary>
    public long InvalidMessages => Interlocked.Read(ref _invalid);

    /// <summary>Runs until cancelled, or until <paramref name="maxAnomalies"/> anomalies were decided on.</summary>
    public async Task RunAsync(long? maxAnomalies, CancellationToken cancellationToken)
    {
        await using var sub = await connection.SubscribeCoreAsync<byte[]>(options.AnomalySubject, cancellationToken: cancellationToken).ConfigureAwait(false);
        await connection.PingAsync(cancellationToken).ConfigureAwait(false); // the server has the subscription once it answers
        _subscribed.TrySetResult();
        await foreach (var msg in sub.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            AnomalyMessage anomaly;
            try
            {
                anomaly = AnomalyMessage.Parse(msg.Data ?? []);
            }
            catch (DataFormatException e)
            {
                Interlocked.Increment(ref _invalid);
                Invalid?.Invoke(e.Message);
                continue;
            }
            var decision = policy.Decide(anomaly);
            byte[]? command = null;
            if (decision.HandOff)
            {
                long seq = Interlocked.Increment(ref _handOffs);
                command = HandOffCommand.Write(decision, seq, DateTimeOffset.UtcNow, anomaly.Degradation);
                await connection.PublishAsync(options.CommandSubject, command, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            long n = Interlocked.Increment(ref _anomalies);
            Decided?.Invoke(anomaly, decision, command);
            if (maxAnomalies is { } max && n >= max) break;
        }
    }
}
