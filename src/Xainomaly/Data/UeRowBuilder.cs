namespace Xainomaly.Data;

/// <summary>
/// Accumulates UE records column by column in the canonical schema while a JSON reader walks the input, so that
/// no per-record object is allocated. Fields of one record arrive in any order; they are staged, then committed.
/// </summary>
internal sealed class UeRowBuilder
{
    // Numeric slots in canonical order: prb_usage, targetTput, throughput, x, y, rsrp, rsrq, rssinr, then per neighbour i
    // rsrp_nb{i}, rsrq_nb{i}, rssinr_nb{i} at 8 + 3i.
    public const int Prb = 0, TargetTput = 1, Throughput = 2, X = 3, Y = 4, Rsrp = 5, Rsrq = 6, Rssinr = 7, FirstNeighbour = 8;
    public const int NumericCount = FirstNeighbour + (3 * UeSchema.NeighbourCount);

    // Text slots: du-id, measTimeStampRf, nrCellIdentity, ue-id, then nbCellIdentity_{i} at 4 + i.
    public const int DuId = 0, Time = 1, Cell = 2, UeId = 3, FirstNeighbourCell = 4;
    public const int TextCount = FirstNeighbourCell + UeSchema.NeighbourCount;

    public static readonly string[] NumericNames = BuildNumericNames();
    public static readonly string[] TextNames = BuildTextNames();

    private readonly double[][] _num;
    private readonly string[][] _text;
    private double[] _label;
    private bool[] _hasLabel;
    private string[] _kind;
    private long[] _line;

    public UeRowBuilder(int capacity = 1024)
    {
        _num = new double[NumericCount][];
        for (int i = 0; i < NumericCount; i++) _num[i] = new double[capacity];
        _text = new string[TextCount][];
        for (int i = 0; i < TextCount; i++) _text[i] = new string[capacity];
        _label = new double[capacity];
        _hasLabel = new bool[capacity];
        _kind = new string[capacity];
        _line = new long[capacity];
    }

    /// <summary>Staged values of the record being read.</summary>
    public readonly double[] RowNumbers = new double[NumericCount];

    /// <summary>Staged texts of the record being read.</summary>
    public readonly string?[] RowTexts = new string?[TextCount];

    public double RowLabel;
    public bool RowHasLabel;
    public string? RowKind;

    public int Count { get; private set; }
    public bool AnyLabel { get; private set; }
    public bool AnyKind { get; private set; }

    public void BeginRow()
    {
        Array.Clear(RowTexts);
        RowHasLabel = false;
        RowKind = null;
    }

    public void CommitRow(long line)
    {
        if (Count == _line.Length) Grow();
        int r = Count++;
        for (int i = 0; i < NumericCount; i++) _num[i][r] = RowNumbers[i];
        for (int i = 0; i < TextCount; i++) _text[i][r] = RowTexts[i]!;
        _label[r] = RowLabel;
        _hasLabel[r] = RowHasLabel;
        AnyLabel |= RowHasLabel;
        _kind[r] = RowKind ?? "";
        AnyKind |= RowKind is not null;
        _line[r] = line;
    }

    /// <summary>Sets report-level values (du-id, timestamp) on rows committed since <paramref name="first"/>.</summary>
    public void FillReport(int first, string duId, string time)
    {
        for (int r = first; r < Count; r++)
        {
            _text[DuId][r] = duId;
            _text[Time][r] = time;
        }
    }

    /// <summary>The first row without a label when others have one, else -1.</summary>
    public int FirstUnlabelledRow()
    {
        if (!AnyLabel) return -1;
        for (int r = 0; r < Count; r++) if (!_hasLabel[r]) return r;
        return -1;
    }

    public long LineOf(int row) => _line[row];

    /// <summary>The columns in canonical order; label only when some record had one, anomaly_kind likewise.</summary>
    public List<KpiColumn> ToColumns()
    {
        var cols = new List<KpiColumn>(UeSchema.Columns.Count + 1);
        foreach (var name in UeSchema.Columns)
        {
            if (name == UeSchema.Label)
            {
                if (AnyLabel) cols.Add(new KpiColumn(name, ColumnRole.Label, _label.AsSpan(0, Count).ToArray()));
                continue;
            }
            int t = Array.IndexOf(TextNames, name);
            if (t >= 0)
            {
                cols.Add(new KpiColumn(name, UeSchema.DefaultRole(name)!.Value, _text[t].AsSpan(0, Count).ToArray()));
                continue;
            }
            int n = Array.IndexOf(NumericNames, name);
            cols.Add(new KpiColumn(name, ColumnRole.Numeric, _num[n].AsSpan(0, Count).ToArray()));
        }
        if (AnyKind) cols.Add(new KpiColumn(UeSchema.AnomalyKind, ColumnRole.Ignored, _kind.AsSpan(0, Count).ToArray()));
        return cols;
    }

    private void Grow()
    {
        int n = _line.Length * 2;
        for (int i = 0; i < NumericCount; i++) Array.Resize(ref _num[i], n);
        for (int i = 0; i < TextCount; i++) Array.Resize(ref _text[i], n);
        Array.Resize(ref _label, n);
        Array.Resize(ref _hasLabel, n);
        Array.Resize(ref _kind, n);
        Array.Resize(ref _line, n);
    }

    private static string[] BuildNumericNames()
    {
        var n = new string[NumericCount];
        n[Prb] = "prb_usage";
        n[TargetTput] = "targetTput";
        n[Throughput] = "throughput";
        n[X] = "x";
        n[Y] = "y";
        n[Rsrp] = "rsrp";
        n[Rsrq] = "rsrq";
        n[Rssinr] = "rssinr";
        for (int i = 0; i < UeSchema.NeighbourCount; i++)
        {
            n[FirstNeighbour + (3 * i)] = $"rsrp_nb{i}";
            n[FirstNeighbour + (3 * i) + 1] = $"rsrq_nb{i}";
            n[FirstNeighbour + (3 * i) + 2] = $"rssinr_nb{i}";
        }
        return n;
    }

    private static string[] BuildTextNames()
    {
        var n = new string[TextCount];
        n[DuId] = UeSchema.DuId;
        n[Time] = UeSchema.Timestamp;
        n[Cell] = UeSchema.ServingCell;
        n[UeId] = UeSchema.UeId;
        for (int i = 0; i < UeSchema.NeighbourCount; i++) n[FirstNeighbourCell + i] = $"nbCellIdentity_{i}";
        return n;
    }
}
