using System.Globalization;

using NATS.Client.Core;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Service.Steering;

/// <summary>
/// The TS side of the loop: reads anomalies from NATS, decides with the library's <see cref="TrafficSteeringPolicy"/>,
/// publishes handover commands, and reports every decision (and every message it cannot decide on) to its callbacks
/// for logging. The requests are stamped with the loop's clock, which the commands carry.
/// </summary>
public sealed class TrafficSteeringLoop(INatsConnection connection, TrafficSteeringPolicy policy, SteeringOptions options)
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _anomalies;
    private long _handOffs;
    private long _invalid;

    /// <summary>Called after each decision with the anomaly, the decision and the command sent (null when none).</summary>
    public Action<AnomalyMessage, SteeringDecision, byte[]?>? Decided { get; init; }

    /// <summary>
    /// Called for a message that cannot be decided on, with the reason: not JSON, no <c>ue-id</c>, no serving-cell
    /// measurements, or no serving-cell load (<c>kpis.prb_usage</c>) when the policy assumes none.
    /// </summary>
    public Action<string>? Invalid { get; init; }

    /// <summary>Completes once the subscription is in place (messages published after it are seen).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Anomalies decided on.</summary>
    public long Anomalies => Interlocked.Read(ref _anomalies);

    /// <summary>Handovers ordered.</summary>
    public long HandOffs => Interlocked.Read(ref _handOffs);

    /// <summary>Messages that could not be decided on (see <see cref="Invalid"/>).</summary>
    public long InvalidMessages => Interlocked.Read(ref _invalid);

    /// <summary>Runs until cancelled, or until <paramref name="maxAnomalies"/> anomalies were decided on; when it returns, every command published is with the server.</summary>
    public async Task RunAsync(long? maxAnomalies, CancellationToken cancellationToken)
    {
        await using var sub = await connection.SubscribeCoreAsync<byte[]>(options.AnomalySubject, cancellationToken: cancellationToken).ConfigureAwait(false);
        await connection.PingAsync(cancellationToken).ConfigureAwait(false); // the server has the subscription once it answers
        _subscribed.TrySetResult();
        await foreach (var msg in sub.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            AnomalyMessage anomaly;
            SteeringDecision decision;
            try
            {
                anomaly = AnomalyMessage.Parse(msg.Data ?? []);
                decision = policy.Decide(anomaly.ToRequest(Now()));
            }
            catch (DataFormatException e)
            {
                Reject(e.Message);
                continue;
            }
            catch (ArgumentException e)
            {
                // The policy names the UE and the field; the parameter name adds nothing for an operator.
                Reject(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
                continue;
            }
            byte[]? command = null;
            if (decision.HandOver)
            {
                long seq = Interlocked.Increment(ref _handOffs);
                command = HandOffCommand.Write(decision, seq, anomaly.Degradation);
                await connection.PublishAsync(options.CommandSubject, command, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            long n = Interlocked.Increment(ref _anomalies);
            Decided?.Invoke(anomaly, decision, command);
            if (maxAnomalies is { } max && n >= max) break;
        }
        // A publish only buffers the command; the server answers a ping after everything sent before it, so the
        // last command is on the server before the caller may dispose the connection.
        await connection.PingAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Reject(string reason)
    {
        Interlocked.Increment(ref _invalid);
        Invalid?.Invoke(reason);
    }

    private static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
