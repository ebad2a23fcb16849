using System.Buffers;

using NATS.Client.Core;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// Writes <see cref="AnomalyPayload"/>'s bytes into the buffer the NATS client hands the serializer (pooled by the
/// client): the payload is encoded once per record (<see cref="RecordBytes"/>, usually already on the scoring side)
/// and only copied here.
/// </summary>
internal sealed class AnomalyPayloadSerializer : INatsSerialize<ScoredRecord>
{
    /// <summary>The shared instance (stateless).</summary>
    public static AnomalyPayloadSerializer Instance { get; } = new();

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> bufferWriter, ScoredRecord value)
    {
        var bytes = RecordBytes.Of(value, payload: true);
        int length = bytes.PayloadLength;
        bytes.CopyPayload(bufferWriter.GetSpan(length));
        bufferWriter.Advance(length);
    }
}
