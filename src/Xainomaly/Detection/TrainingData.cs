namespace Xainomaly.Detection;

/// <summary>
/// Preprocessed training rows for a detector: row-major features and a label per row, −1 for an unlabelled row.
/// A label budget of k means exactly k rows carry a label here; nothing else a detector sees has one.
/// </summary>
/// <param name="X">Row-major features, <see cref="Count"/> × <see cref="Width"/>.</param>
/// <param name="Width">Number of features.</param>
/// <param name="Labels">0 (normal), 1 (anomalous) or −1 (unlabelled), one per row.</param>
/// <param name="GroupKeys">Optional per-row sequence key (UE id) for models over windows of consecutive records.</param>
/// <param name="OrderKeys">Optional per-row order (timestamp) within a group.</param>
public sealed record TrainingData(float[] X, int Width, int[] Labels, string[]? GroupKeys = null, string[]? OrderKeys = null)
{
    /// <summary>Number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>
    /// Optional per-row origin: −1 for an original row, otherwise the index of the original row this row was derived
    /// from (an adversarial copy). Trainers hold back only original rows for their choices and never train on a copy
    /// of a held-back row, so τ, the score mix and early stopping are chosen on clean labels alone.
    /// </summary>
    public int[]? CopyOf { get; init; }

    /// <summary>True when row <paramref name="row"/> was derived from another row (see <see cref="CopyOf"/>).</summary>
    public bool IsCopy(int row) => CopyOf is not null && CopyOf[row] >= 0;

    /// <summary>Indices of labelled rows.</summary>
    public int[] LabelledRows()
    {
        var list = new List<int>();
        for (int i = 0; i < Labels.Length; i++) if (Labels[i] >= 0) list.Add(i);
        return [.. list];
    }

    /// <summary>Indices of unlabelled rows.</summary>
    public int[] UnlabelledRows()
    {
        var list = new List<int>();
        for (int i = 0; i < Labels.Length; i++) if (Labels[i] < 0) list.Add(i);
        return [.. list];
    }

    /// <summary>Checks shapes and label values.</summary>
    public void Validate()
    {
        if (Width <= 0) throw new ArgumentException("Training data has no input features.");
        if (X.Length != (long)Count * Width) throw new ArgumentException($"Training data holds {X.Length} values, expected {Count} × {Width}.");
        foreach (var y in Labels) if (y is < -1 or > 1) throw new ArgumentException($"Label {y} is not 0, 1 or −1 (unlabelled).");
        if (GroupKeys is not null && GroupKeys.Length != Count) throw new ArgumentException("GroupKeys must have one entry per row.");
        if (OrderKeys is not null && OrderKeys.Length != Count) throw new ArgumentException("OrderKeys must have one entry per row.");
        if (CopyOf is not null)
        {
            if (CopyOf.Length != Count) throw new ArgumentException("CopyOf must have one entry per row.");
            for (int i = 0; i < Count; i++)
                if (CopyOf[i] >= Count || (CopyOf[i] >= 0 && CopyOf[CopyOf[i]] >= 0))
                    throw new ArgumentException($"CopyOf[{i}] = {CopyOf[i]}: expected −1 or the index of an original row.");
        }
    }

    /// <summary>The subset of rows <paramref name="rows"/>, labels kept.</summary>
    public TrainingData Select(ReadOnlySpan<int> rows)
    {
        var x = new float[rows.Length * Width];
        var y = new int[rows.Length];
        string[]? g = GroupKeys is null ? null : new string[rows.Length];
        string[]? o = OrderKeys is null ? null : new string[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            X.AsSpan(rows[i] * Width, Width).CopyTo(x.AsSpan(i * Width, Width));
            y[i] = Labels[rows[i]];
            if (g is not null) g[i] = GroupKeys![rows[i]];
            if (o is not null) o[i] = OrderKeys![rows[i]];
        }
        return new TrainingData(x, Width, y, g, o);
    }

    /// <summary>The same rows with the labels of <paramref name="hide"/> removed (set to −1).</summary>
    public TrainingData WithoutLabels(ReadOnlySpan<int> hide)
    {
        var y = (int[])Labels.Clone();
        foreach (var i in hide) y[i] = -1;
        return this with { Labels = y };
    }
}
