namespace Xainomaly.Simulation;

/// <summary>
/// The kinds of labelled anomaly <see cref="UeTrafficSimulator"/> injects. Their wire names (the
/// <c>anomaly_kind</c> column) are given by <see cref="UeTrafficSimulator.KindName"/>.
/// </summary>
public enum UeAnomalyKind
{
    /// <summary><c>coverage-hole</c>: extra loss of 20–35 dB towards every cell; RSRP, RSRQ and RS-SINR of serving and neighbours fall, throughput collapses.</summary>
    CoverageHole,
    /// <summary><c>interference</c>: an in-band interferer 20–40 dB above the noise floor; RS-SINR and RSRQ fall, RSRP is unchanged.</summary>
    Interference,
    /// <summary><c>congestion</c>: the serving cell's PRB usage sits near its maximum and throughput falls far below target.</summary>
    Congestion,
    /// <summary><c>cell-outage</c>: every carrier of the serving site is off; the UE attaches to the best remaining, far weaker cell.</summary>
    CellOutage,
}
