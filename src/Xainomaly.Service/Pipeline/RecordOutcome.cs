namespace Xainomaly.Service.Pipeline;

/// <summary>What became of one incoming record: stored (with its result) or rejected with the reason.</summary>
/// <param name="Index">Position of the record in the batch it came in.</param>
/// <param name="Accepted">True when the record was scored and stored (or was already stored: writes are idempotent).</param>
/// <param name="Reason">Why the record was rejected (names the field and what was expected); null when accepted.</param>
/// <param name="Record">The scored record when accepted.</param>
public sealed record RecordOutcome(int Index, bool Accepted, string? Reason, ScoredRecord? Record);
