using System.Buffers;
using System.Text.Json;

using Xainomaly.Detection;

namespace Xainomaly.Service.Steering;

/// <summary>The TS handover command on <c>ran.ts.commands</c>: the policy's <see cref="SteeringDecision.ToHandOffCommand"/> as published.</summary>
public static class HandOffCommand
{
    /// <summary>
    /// Writes <c>{"command":"HandOff","seqNo","ue","fromCell","toCell","reason","cs","timestamp"}</c> as UTF-8 JSON:
    /// the policy's command with the loop's sequence number, and a reason that starts with the degradation the
    /// detector saw. The timestamp is the decision's (the loop stamps the request with its clock).
    /// </summary>
    /// <exception cref="ArgumentException">The decision orders no handover.</exception>
    public static byte[] Write(SteeringDecision decision, long seqNo, string? degradation)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var command = decision.ToHandOffCommand() ?? throw new ArgumentException($"No handover was decided for {decision.UeId}.", nameof(decision));
        command.Insert(1, "seqNo", seqNo);
        command["reason"] = Reason(decision, degradation);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer)) command.WriteTo(w);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One line saying why: the degradation the detector saw and every check of the policy.</summary>
    public static string Reason(SteeringDecision decision, string? degradation)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string cause = string.IsNullOrEmpty(degradation) ? "anomaly" : $"anomaly ({degradation} degraded)";
        return cause + "; " + string.Join("; ", decision.Reasons);
    }
}
