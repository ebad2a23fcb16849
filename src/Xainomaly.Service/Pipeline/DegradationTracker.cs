namespace Xainomaly.Service.Pipeline;

/// <summary>
/// Per-UE ring buffers of recent records and the O-RAN SC AD xApp's degradation rule: an anomalous record is blamed
/// on throughput, RSRP or RSRQ when that KPI fell below the UE's recent maximum by the configured margin.
/// </summary>
/// <remarks>
/// Unlike the xApp, every degraded KPI is named (e.g. <c>Throughput RSRP</c>) and no severity is dropped: the xApp
/// forwarded only single-KPI degradations, so its worst cases never reached traffic steering. Writes come from the
/// pipeline's one batch loop; reads (the dashboard) may come from any thread, so each UE's ring is locked.
/// </remarks>
public sealed class DegradationTracker
{
    private readonly Dictionary<string, Ring> _ues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _capacity;

    /// <summary>Creates a tracker with the given margins and history length.</summary>
    public DegradationTracker(double throughputDropPercent, double rsrpDropDb, double rsrqDropDb, int history)
    {
        if (history < 1) throw new ArgumentOutOfRangeException(nameof(history), history, "The UE history must hold at least one record.");
        if (throughputDropPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(throughputDropPercent), throughputDropPercent, "The throughput margin is a percentage in [0, 100].");
        ThroughputDropPercent = throughputDropPercent;
        RsrpDropDb = rsrpDropDb;
        RsrqDropDb = rsrqDropDb;
        _capacity = history;
    }

    /// <summary>Throughput margin: degraded below max × (1 − p/100).</summary>
    public double ThroughputDropPercent { get; }

    /// <summary>RSRP margin in dB below the recent maximum.</summary>
    public double RsrpDropDb { get; }

    /// <summary>RSRQ margin in dB below the recent maximum.</summary>
    public double RsrqDropDb { get; }

    /// <summary>
    /// Adds <paramref name="point"/> to the UE's history and, when <paramref name="anomalous"/>, returns the degradation
    /// cause against the UE's previous records (null when none fell by its margin or the UE has no history yet).
    /// A point with a timestamp already in the history (a re-sent record) is not added twice.
    /// </summary>
    public string? Observe(string ueId, UeKpiPoint point, bool anomalous)
    {
        Ring ring;
        lock (_gate)
        {
            if (!_ues.TryGetValue(ueId, out ring!)) _ues[ueId] = ring = new Ring(_capacity);
        }
        lock (ring)
        {
            string? cause = anomalous ? Cause(ring, point) : null;
            if (!ring.Contains(point.Timestamp)) ring.Add(point);
            return cause;
        }
    }

    /// <summary>The UE's recent records, oldest first (empty for an unknown UE).</summary>
    public UeKpiPoint[] History(string ueId)
    {
        Ring? ring;
        lock (_gate) _ues.TryGetValue(ueId, out ring);
        if (ring is null) return [];
        lock (ring) return ring.ToArray();
    }

    /// <summary>Every UE seen, sorted.</summary>
    public string[] Ues()
    {
        string[] ues;
        lock (_gate) ues = [.. _ues.Keys];
        Array.Sort(ues, StringComparer.Ordinal);
        return ues;
    }

    private string? Cause(Ring ring, UeKpiPoint p)
    {
        if (ring.Count == 0) return null;
        double maxTput = double.NegativeInfinity, maxRsrp = double.NegativeInfinity, maxRsrq = double.NegativeInfinity;
        for (int i = 0; i < ring.Count; i++)
        {
            var q = ring[i];
            if (q.Timestamp >= p.Timestamp) continue; // only the UE's past counts as "recent"
            maxTput = Math.Max(maxTput, q.Throughput);
            maxRsrp = Math.Max(maxRsrp, q.Rsrp);
            maxRsrq = Math.Max(maxRsrq, q.Rsrq);
        }
        if (double.IsNegativeInfinity(maxTput)) return null;
        bool tput = p.Throughput < maxTput * (1 - (ThroughputDropPercent / 100));
        bool rsrp = p.Rsrp < maxRsrp - RsrpDropDb;
        bool rsrq = p.Rsrq < maxRsrq - RsrqDropDb;
        if (!tput && !rsrp && !rsrq) return null;
        var parts = new List<string>(3);
        if (tput) parts.Add("Throughput");
        if (rsrp) parts.Add("RSRP");
        if (rsrq) parts.Add("RSRQ");
        return string.Join(' ', parts);
    }

    private sealed class Ring(int capacity)
    {
        private readonly UeKpiPoint[] _items = new UeKpiPoint[capacity];
        private int _start;

        public int Count { get; private set; }

        public UeKpiPoint this[int i] => _items[(_start + i) % _items.Length];

        public void Add(UeKpiPoint p)
        {
            if (Count < _items.Length)
            {
                _items[(_start + Count) % _items.Length] = p;
                Count++;
            }
            else
            {
                _items[_start] = p;
                _start = (_start + 1) % _items.Length;
            }
        }

        public bool Contains(DateTimeOffset t)
        {
            for (int i = 0; i < Count; i++) if (this[i].Timestamp == t) return true;
            return false;
        }

        public UeKpiPoint[] ToArray()
        {
            var a = new UeKpiPoint[Count];
            for (int i = 0; i < Count; i++) a[i] = this[i];
            return a;
        }
    }
}
