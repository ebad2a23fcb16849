namespace Xainomaly.Simulation;

/// <summary>
/// What <see cref="UeTrafficSimulator"/> generates. The defaults reproduce the shape of the O-RAN SC
/// <c>valid.csv</c> scenario: 20 UEs of four kinds, 13 sites with three carriers (B2, B13, N77), reports on a
/// 10 ms clock with geometrically distributed gaps of 80 ms on average per UE, and about 25 % anomalous rows.
/// </summary>
public sealed record UeTrafficOptions
{
    /// <summary>The carriers the simulator knows, with their defaults (see <c>docs/simulator.md</c>).</summary>
    public static IReadOnlyList<string> KnownBands { get; } = ["B2", "B13", "N77"];

    /// <summary>The four anomaly kinds.</summary>
    public static IReadOnlyList<UeAnomalyKind> AllAnomalyKinds { get; } =
        [UeAnomalyKind.CoverageHole, UeAnomalyKind.Interference, UeAnomalyKind.Congestion, UeAnomalyKind.CellOutage];

    /// <summary>Number of UEs (<c>--ues</c>); split into cars, pedestrians, train and waiting passengers 4 : 3 : 3 : 10.</summary>
    public int Ues { get; init; } = 20;

    /// <summary>Simulated duration in seconds (<c>--seconds</c>).</summary>
    public double Seconds { get; init; } = 60;

    /// <summary>
    /// Mean time between two reports of one UE (<c>--report-ms</c>), a multiple of the 10 ms report clock.
    /// valid.csv has about 490 reports per UE in 41.3 s (83 ms) with geometrically distributed gaps; 80 ms is the default.
    /// </summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromMilliseconds(80);

    /// <summary>When true (default) gaps between reports are geometric with mean <see cref="ReportInterval"/>, as in valid.csv; when false they are exactly <see cref="ReportInterval"/>.</summary>
    public bool JitterReports { get; init; } = true;

    /// <summary>Seed of every random choice (<c>--seed</c>).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Share of rows that are anomalous (<c>--anomaly-rate</c>), in [0, 0.9]; valid.csv has 0.2528.</summary>
    public double AnomalyRate { get; init; } = 0.25;

    /// <summary>Which anomaly kinds to inject (<c>--anomaly-kinds</c>); at least one when <see cref="AnomalyRate"/> is above 0.</summary>
    public IReadOnlyList<UeAnomalyKind> AnomalyKinds { get; init; } = AllAnomalyKinds;

    /// <summary>Mean length of an anomaly episode in seconds (<c>--episode-seconds</c>); episodes last 0.5× to 1.5× this.</summary>
    public double EpisodeSeconds { get; init; } = 2.0;

    /// <summary>Timestamp of the first report slot (<c>--start</c>); valid.csv starts at 2021-06-25T11:42:33.685.</summary>
    public DateTime StartTime { get; init; } = new(2021, 6, 25, 11, 42, 33, 685, DateTimeKind.Unspecified);

    /// <summary>Number of sites (<c>--sites</c>); each site is one DU (id 1000 + site) with one cell per band.</summary>
    public int Sites { get; init; } = 13;

    /// <summary>Carriers on every site (<c>--bands</c>), from <see cref="KnownBands"/>.</summary>
    public IReadOnlyList<string> Bands { get; init; } = KnownBands;

    /// <summary>Inter-site distance in metres (<c>--isd</c>).</summary>
    public double InterSiteDistance { get; init; } = 800;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option and what was expected.</summary>
    public void Validate()
    {
        if (Ues < 1) throw new ArgumentException($"--ues must be ≥ 1 (got {Ues}).", nameof(Ues));
        if (!(Seconds > 0) || double.IsInfinity(Seconds)) throw new ArgumentException($"--seconds must be a positive number (got {Seconds}).", nameof(Seconds));
        long ticks = ReportInterval.Ticks;
        if (ticks <= 0 || ticks % TimeSpan.FromMilliseconds(10).Ticks != 0)
            throw new ArgumentException($"--report-ms must be a positive multiple of 10 ms (got {ReportInterval.TotalMilliseconds} ms).", nameof(ReportInterval));
        if (ReportInterval.TotalSeconds > Seconds)
            throw new ArgumentException($"--report-ms ({ReportInterval.TotalMilliseconds} ms) must not exceed --seconds ({Seconds} s).", nameof(ReportInterval));
        if (!(AnomalyRate >= 0 && AnomalyRate <= 0.9)) throw new ArgumentException($"--anomaly-rate must be in [0, 0.9] (got {AnomalyRate}).", nameof(AnomalyRate));
        if (AnomalyKinds is null || (AnomalyRate > 0 && AnomalyKinds.Count == 0))
            throw new ArgumentException("--anomaly-kinds must name at least one kind when --anomaly-rate is above 0.", nameof(AnomalyKinds));
        foreach (var k in AnomalyKinds)
            if (!Enum.IsDefined(k)) throw new ArgumentException($"--anomaly-kinds holds an unknown kind ({(int)k}).", nameof(AnomalyKinds));
        if (!(EpisodeSeconds > 0) || double.IsInfinity(EpisodeSeconds)) throw new ArgumentException($"--episode-seconds must be a positive number (got {EpisodeSeconds}).", nameof(EpisodeSeconds));
        if (Sites < 1 || Sites > 999) throw new ArgumentException($"--sites must be in [1, 999] (got {Sites}).", nameof(Sites));
        if (Bands is null || Bands.Count == 0) throw new ArgumentException("--bands must name at least one band of B2, B13, N77.", nameof(Bands));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in Bands)
        {
            if (!KnownBands.Contains(b)) throw new ArgumentException($"--bands: unknown band '{b}', expected one of B2, B13, N77.", nameof(Bands));
            if (!seen.Add(b)) throw new ArgumentException($"--bands: band '{b}' given twice.", nameof(Bands));
        }
        if (Sites * Bands.Count < 1 + Xainomaly.Data.UeSchema.NeighbourCount)
            throw new ArgumentException($"--sites × --bands must give at least {1 + Xainomaly.Data.UeSchema.NeighbourCount} cells (a serving cell and {Xainomaly.Data.UeSchema.NeighbourCount} neighbours); got {Sites * Bands.Count}.", nameof(Sites));
        if (AnomalyRate > 0 && AnomalyKinds.Contains(UeAnomalyKind.CellOutage) && (Sites - 1) * Bands.Count < 1 + Xainomaly.Data.UeSchema.NeighbourCount)
            throw new ArgumentException($"--sites must leave at least {1 + Xainomaly.Data.UeSchema.NeighbourCount} cells when one site is out (cell-outage anomalies); got {Sites} sites × {Bands.Count} bands.", nameof(Sites));
        if (!(InterSiteDistance >= 100 && InterSiteDistance <= 20_000))
            throw new ArgumentException($"--isd must be in [100, 20000] m (got {InterSiteDistance}).", nameof(InterSiteDistance));
    }
}
