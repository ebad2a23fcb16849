namespace Xainomaly.Data;

/// <summary>What a column is for. Only <see cref="Numeric"/> and <see cref="Nominal"/> columns are model inputs by default.</summary>
public enum ColumnRole
{
    /// <summary>A numeric model input, min–max scaled.</summary>
    Numeric,
    /// <summary>A categorical model input, one-hot encoded.</summary>
    Nominal,
    /// <summary>The binary ground-truth label (1 = anomalous).</summary>
    Label,
    /// <summary>An identifier (UE, DU, cell): context, never an input unless asked for.</summary>
    Identifier,
    /// <summary>The record's timestamp: context, never an input unless asked for.</summary>
    Timestamp,
    /// <summary>Carried along but not used (e.g. a simulator's anomaly kind, which would leak the label).</summary>
    Ignored,
}
