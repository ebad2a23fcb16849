namespace Xainomaly.Service.Pipeline;

/// <summary>One UE record that passed the checks: its context and its KPIs in canonical order.</summary>
internal sealed class ParsedRecord
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string UeId { get; init; }
    public required string? DuId { get; init; }
    public required string? CellId { get; init; }
    public IReadOnlyList<string> NeighbourCells { get; init; } = [];
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The measurement time as written (a model that takes the time as an input reads it as the tables do).</summary>
    public required string TimeText { get; init; }

    /// <summary>Numeric KPIs by canonical name; <see cref="KpiView.Values"/> are the model's numeric inputs before scaling.</summary>
    public required KpiView Kpis { get; init; }
}
