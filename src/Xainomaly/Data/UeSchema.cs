namespace Xainomaly.Data;

/// <summary>
/// The canonical schema of O-RAN UE measurement records (the short names of <c>valid.csv</c>), the roles of its
/// columns, and the aliases under which other sources (the current upstream <c>ue.csv</c> names) carry them.
/// </summary>
public static class UeSchema
{
    /// <summary>Number of neighbour cells a UE report carries.</summary>
    public const int NeighbourCount = 5;

    /// <summary>Canonical label column.</summary>
    public const string Label = "Anomaly";

    /// <summary>Column the simulator writes with the kind of each injected anomaly ("" for normal rows).</summary>
    public const string AnomalyKind = "anomaly_kind";

    /// <summary>Canonical timestamp column.</summary>
    public const string Timestamp = "measTimeStampRf";

    /// <summary>Canonical UE identifier column.</summary>
    public const string UeId = "ue-id";

    /// <summary>Canonical DU identifier column.</summary>
    public const string DuId = "du-id";

    /// <summary>Canonical serving-cell identifier column.</summary>
    public const string ServingCell = "nrCellIdentity";

    /// <summary>The canonical columns in the order of <c>valid.csv</c> (label last).</summary>
    public static IReadOnlyList<string> Columns { get; } = BuildColumns();

    /// <summary>
    /// The numeric KPI columns of a UE record in canonical order (serving cell, then neighbour by neighbour): the
    /// layout of a record's values when it is held as an array (e.g. by the streaming service).
    /// </summary>
    public static IReadOnlyList<string> NumericColumns { get; } = BuildNumericColumns();

    /// <summary>The text columns of a UE record in canonical order: du-id, measTimeStampRf, nrCellIdentity, ue-id, then the neighbour cells.</summary>
    public static IReadOnlyList<string> TextColumns { get; } = [DuId, Timestamp, ServingCell, UeId, .. NeighbourCellColumns()];

    /// <summary>The position of <paramref name="canonicalName"/> in <see cref="NumericColumns"/>, or -1.</summary>
    public static int NumericIndex(string canonicalName)
    {
        var cols = NumericColumns;
        for (int i = 0; i < cols.Count; i++) if (cols[i] == canonicalName) return i;
        return -1;
    }

    /// <summary>Upstream (current <c>ue.csv</c>) names mapped to canonical ones.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["RRU.PrbUsedDl"] = "prb_usage",
        ["DRB.UEThpDl"] = "throughput",
        ["RF.serving.RSRP"] = "rsrp",
        ["RF.serving.RSRQ"] = "rsrq",
        ["RF.serving.RSSINR"] = "rssinr",
        ["Viavi.UE.anomalies"] = Label,
    };

    /// <summary>Physical unit of each numeric canonical column, for reports and attack budgets.</summary>
    public static string UnitOf(string column) => column switch
    {
        "prb_usage" => "PRB",
        "throughput" or "targetTput" => "Mbit/s",
        "x" or "y" => "m",
        _ when column.StartsWith("rsrp", StringComparison.Ordinal) => "dBm",
        _ when column.StartsWith("rsrq", StringComparison.Ordinal) => "dB",
        _ when column.StartsWith("rssinr", StringComparison.Ordinal) => "dB",
        _ => "",
    };

    /// <summary>The role a canonical UE column has by default; null for a column outside the schema.</summary>
    public static ColumnRole? DefaultRole(string canonicalName) => canonicalName switch
    {
        Label => ColumnRole.Label,
        Timestamp => ColumnRole.Timestamp,
        UeId or DuId or ServingCell => ColumnRole.Identifier,
        AnomalyKind => ColumnRole.Ignored,
        _ when canonicalName.StartsWith("nbCellIdentity_", StringComparison.Ordinal) => ColumnRole.Identifier,
        _ when IsCanonical(canonicalName) => ColumnRole.Numeric,
        _ => null,
    };

    /// <summary>True for a column of the canonical UE schema.</summary>
    public static bool IsCanonical(string name)
    {
        foreach (var c in Columns) if (c == name) return true;
        return name == AnomalyKind;
    }

    /// <summary>The canonical name of <paramref name="name"/> (itself when it has no alias).</summary>
    public static string Canonicalize(string name) => Aliases.TryGetValue(name, out var c) ? c : name;

    private static string[] BuildNumericColumns()
    {
        var cols = new List<string> { "prb_usage", "targetTput", "throughput", "x", "y", "rsrp", "rsrq", "rssinr" };
        for (int i = 0; i < NeighbourCount; i++)
        {
            cols.Add($"rsrp_nb{i}");
            cols.Add($"rsrq_nb{i}");
            cols.Add($"rssinr_nb{i}");
        }
        return [.. cols];
    }

    private static string[] NeighbourCellColumns()
    {
        var cols = new string[NeighbourCount];
        for (int i = 0; i < NeighbourCount; i++) cols[i] = $"nbCellIdentity_{i}";
        return cols;
    }

    private static string[] BuildColumns()
    {
        var cols = new List<string>
        {
            DuId, Timestamp, ServingCell, "prb_usage", "targetTput", "throughput", UeId, "x", "y", "rsrp", "rsrq", "rssinr",
        };
        for (int i = 0; i < NeighbourCount; i++) cols.Add($"nbCellIdentity_{i}");
        for (int i = 0; i < NeighbourCount; i++)
        {
            cols.Add($"rsrp_nb{i}");
            cols.Add($"rsrq_nb{i}");
            cols.Add($"rssinr_nb{i}");
        }
        cols.Add(Label);
        return [.. cols];
    }
}
