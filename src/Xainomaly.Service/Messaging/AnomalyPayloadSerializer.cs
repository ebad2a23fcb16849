using System.Buffers;
using System.Text.Json;

using NATS.Client.Core;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Writes <see cref="AnomalyPayload"/>'s bytes into the buffer the NATS client hands the serializer (pooled by the
/// client): no payload array per anomaly, and one JSON writer and KPI-name cache per thread instead of new ones per
/// message.
/// </summary>
internal sealed class AnomalyPayloadSerializer : INatsSerialize<ScoredRecord>
{
    /// <summary>The shared instance (stateless apart from the per-thread writer).</summary>
    public static AnomalyPayloadSerializer Instance { get; } = new();

    // The client serializes synchronously on the publishing thread, so a thread's writer is never used twice at once.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static JsonNameCache? t_names;

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> bufferWriter, ScoredRecord value)
    {
        var w = t_writer;
        if (w is null) t_writer = w = new Utf8JsonWriter(bufferWriter);
        else w.Reset(bufferWriter);
        try
        {
            AnomalyPayload.Write(w, value, t_names ??= new JsonNameCache());
            w.Flush();
        }
        finally
        {
            // Do not keep the connection's buffer reachable from the thread.
            w.Reset(Stream.Null);
        }
    }
}
