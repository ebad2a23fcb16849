namespace Xainomaly.Service.Pipeline;

/// <summary>A UE record after the pipeline: its KPIs, score, decision, explanation and degradation cause.</summary>
public sealed record ScoredRecord
{
    /// <summary>Stable identifier, derived from (ue-id, timestamp): the key of idempotent writes and of <c>/v1/explanations/{id}</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The UE identifier (<c>ue-id</c>).</summary>
    public required string UeId { get; init; }

    /// <summary>Serving cell identifier, when the record names one.</summary>
    public string? CellId { get; init; }

    /// <summary>Neighbour cell identifiers in report order (<c>nbCellIdentity_0…</c>), when the record names them; their RF values are in <see cref="Kpis"/> as <c>rsrp_nb0…</c>. Traffic steering needs them to name a target cell.</summary>
    public IReadOnlyList<string> NeighbourCells { get; init; } = [];

    /// <summary>DU identifier, when the record names one.</summary>
    public string? DuId { get; init; }

    /// <summary>The measurement time (<c>measTimeStampRf</c>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>When the service received the record (for end-to-end latency).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Numeric KPIs of the record by canonical column name.</summary>
    public required IReadOnlyDictionary<string, double> Kpis { get; init; }

    /// <summary>The detector's anomaly score.</summary>
    public required double Score { get; init; }

    /// <summary>Decision threshold τ the score was compared with.</summary>
    public required double Threshold { get; init; }

    /// <summary>True when the score exceeds τ.</summary>
    public required bool Anomalous { get; init; }

    /// <summary>Top features by |φ| (empty without an explainer).</summary>
    public IReadOnlyList<FeatureContribution> TopFeatures { get; init; } = [];

    /// <summary>E f over the explainer's background (the explanation's base value).</summary>
    public double? BaseValue { get; init; }

    /// <summary>fastSHAP-C confidence score (lower is better).</summary>
    public double? ConfidenceScore { get; init; }

    /// <summary>fastSHAP-C error metric (lower is better).</summary>
    public double? ErrorMetric { get; init; }

    /// <summary>f(x) − E f − Σφ.</summary>
    public double? EfficiencyGap { get; init; }

    /// <summary>Degradation cause in the O-RAN SC AD xApp's style (e.g. <c>Throughput RSRP</c>), when anomalous.</summary>
    public string? Degradation { get; init; }

    /// <summary>
    /// This record's JSON as the store and the anomaly payload write it, once <see cref="RecordBytes.Prepare"/> or a
    /// writer has encoded it; null before. Not part of the record's value: equality ignores it, and a copy made with
    /// <c>with</c> does not see it (the bytes name the record they were made from), so they never describe other values.
    /// </summary>
    internal RecordBytes? Bytes
    {
        get => _bytes.Value is { } b && ReferenceEquals(b.Owner, this) ? b : null;
        set => _bytes = new BytesSlot(value);
    }

    private BytesSlot _bytes;

    // Equal to every other slot, so the record's synthesized equality and hash code stay those of its values.
    private readonly struct BytesSlot(RecordBytes? value) : IEquatable<BytesSlot>
    {
        public RecordBytes? Value { get; } = value;

        public bool Equals(BytesSlot other) => true;

        public override bool Equals(object? obj) => obj is BytesSlot;

        public override int GetHashCode() => 0;
    }
}
