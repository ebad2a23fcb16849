namespace Xainomaly.Service.Messaging;

/// <summary>
/// What the JetStream ingest's start-up warm-up did: synthetic UE reports through a private, temporary stream and the
/// ingest's own consume loop, batch handling and pipeline (as dry runs), before the durable consumer is read.
/// </summary>
/// <param name="Stream">The temporary stream (deleted again).</param>
/// <param name="Messages">Warm-up messages handled (acknowledged) by the ingest.</param>
/// <param name="Records">UE records those messages held.</param>
/// <param name="Batches">Sizes, in messages, of the batches the ingest handed to the pipeline, in order.</param>
/// <param name="Time">How long the warm-up took, the stream's removal included.</param>
/// <param name="Error">Why it stopped early (null when it ran to its end); a failed warm-up costs only speed.</param>
public sealed record IngestWarmUp(string Stream, int Messages, int Records, IReadOnlyList<int> Batches, TimeSpan Time, string? Error);
