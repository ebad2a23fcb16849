using Xainomaly.Data;

namespace Xainomaly.Service.Pipeline;

/// <summary>One UE record that passed the checks: its context, KPIs and where its values sit in a parsed table.</summary>
internal sealed class ParsedRecord
{
    public required int Index { get; init; }
    public required string Id { get; init; }
    public required string UeId { get; init; }
    public required string? DuId { get; init; }
    public required string? CellId { get; init; }
    public IReadOnlyList<string> NeighbourCells { get; init; } = [];
    public required DateTimeOffset Timestamp { get; init; }
    public required Dictionary<string, double> Kpis { get; init; }
    public required KpiTable Table { get; init; }
    public required int Row { get; init; }
}
