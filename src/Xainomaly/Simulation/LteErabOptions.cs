namespace Xainomaly.Simulation;

/// <summary>
/// What <see cref="LteErabSimulator"/> generates. The defaults reproduce the shape of the SON paper's data set
/// (SPEC §1.2): two eNodeBs, 93 days of hourly records (4,464 rows), 524 of them anomalous (11.74 %).
/// </summary>
public sealed record LteErabOptions
{
    /// <summary>The paper's anomaly share, 524 / 4,464.</summary>
    public const double PaperAnomalyRate = 524.0 / 4464.0;

    /// <summary>Number of eNodeBs (<c>--enodebs</c>); odd-numbered ones serve a business district, even-numbered ones a residential area.</summary>
    public int Enodebs { get; init; } = 2;

    /// <summary>Simulated days (<c>--days</c>); one record per eNodeB and hour.</summary>
    public int Days { get; init; } = 93;

    /// <summary>Cells (sectors) per eNodeB; the <c>cell</c> column names the busiest one of each hour.</summary>
    public int CellsPerEnodeb { get; init; } = 2;

    /// <summary>Seed of every random choice (<c>--seed</c>).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Share of records inside anomaly episodes (<c>--anomaly-rate</c>), in [0, 0.5]; exact per eNodeB up to rounding.</summary>
    public double AnomalyRate { get; init; } = PaperAnomalyRate;

    /// <summary>Mean episode length in hours (<c>--episode-hours</c>); lengths are uniform on 1 … 2·mean − 1.</summary>
    public int EpisodeHours { get; init; } = 3;

    /// <summary>
    /// Share of episodes that are subtle (<c>--subtle-share</c>): a drop-rate rise of 0.3–0.9 points instead of 1.2–8,
    /// and no latency or radio symptom. Subtle episodes at night are hard to tell from noise, so a detector is not perfect.
    /// </summary>
    public double SubtleShare { get; init; } = 0.2;

    /// <summary>First hour (<c>--start</c>); a Monday at midnight by default.</summary>
    public DateTime StartTime { get; init; } = new(2019, 1, 7, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option and what was expected.</summary>
    public void Validate()
    {
        if (Enodebs < 1 || Enodebs > 1000) throw new ArgumentException($"--enodebs must be in [1, 1000] (got {Enodebs}).", nameof(Enodebs));
        if (Days < 1 || Days > 3660) throw new ArgumentException($"--days must be in [1, 3660] (got {Days}).", nameof(Days));
        if (CellsPerEnodeb < 1 || CellsPerEnodeb > 12) throw new ArgumentException($"--cells must be in [1, 12] (got {CellsPerEnodeb}).", nameof(CellsPerEnodeb));
        if (!(AnomalyRate >= 0 && AnomalyRate <= 0.5)) throw new ArgumentException($"--anomaly-rate must be in [0, 0.5] (got {AnomalyRate}).", nameof(AnomalyRate));
        if (EpisodeHours < 1 || EpisodeHours > 48) throw new ArgumentException($"--episode-hours must be in [1, 48] (got {EpisodeHours}).", nameof(EpisodeHours));
        if (!(SubtleShare >= 0 && SubtleShare <= 1)) throw new ArgumentException($"--subtle-share must be in [0, 1] (got {SubtleShare}).", nameof(SubtleShare));
        if (StartTime.Minute != 0 || StartTime.Second != 0 || StartTime.Millisecond != 0)
            throw new ArgumentException($"--start must be on the hour (got {StartTime:yyyy-MM-ddTHH:mm:ss.fff}).", nameof(StartTime));
    }
}
