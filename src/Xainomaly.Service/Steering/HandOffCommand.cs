using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Xainomaly.Service.Steering;

/// <summary>The TS handover command on <c>ran.ts.commands</c>, in the O-RAN SC TS xApp's shape.</summary>
public static class HandOffCommand
{
    /// <summary>
    /// Writes <c>{"command":"HandOff","seqNo","ue","fromCell","toCell","reason","cs","timestamp"}</c> as UTF-8 JSON;
    /// <paramref name="time"/> is when the decision was made.
    /// </summary>
    public static byte[] Write(SteeringDecision decision, long seqNo, DateTimeOffset time, string? degradation)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.HandOff) throw new ArgumentException($"No handover was decided for {decision.UeId}.", nameof(decision));
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("command", "HandOff");
            w.WriteNumber("seqNo", seqNo);
            w.WriteString("ue", decision.UeId);
            w.WriteString("fromCell", decision.FromCell);
            w.WriteString("toCell", decision.ToCell);
            w.WriteString("reason", Reason(decision, degradation));
            if (decision.Cs is { } cs && double.IsFinite(cs)) w.WriteNumber("cs", cs);
            else w.WriteNull("cs");
            w.WriteString("timestamp", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One line saying why: the degradation the detector saw and every reason of the policy.</summary>
    public static string Reason(SteeringDecision decision, string? degradation)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string cause = string.IsNullOrEmpty(degradation) ? "anomaly" : $"anomaly ({degradation} degraded)";
        return cause + "; " + string.Join("; ", decision.Reasons);
    }
}
