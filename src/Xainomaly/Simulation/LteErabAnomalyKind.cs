namespace Xainomaly.Simulation;

/// <summary>
/// The causes of the labelled E-RAB drop-rate anomalies <see cref="LteErabSimulator"/> injects. Their wire names
/// (the <c>anomaly_kind</c> column) are given by <see cref="LteErabSimulator.KindName"/>.
/// </summary>
public enum LteErabAnomalyKind
{
    /// <summary><c>tnl</c>: a transport-network (backhaul) fault; TNL drops rise, often with higher latency. The SON paper's dominant cause.</summary>
    TransportNetwork,
    /// <summary><c>radio-link</c>: an interference or hardware problem; radio-link and handover drops rise, CQI and RSRQ fall, uplink interference rises.</summary>
    RadioLink,
    /// <summary><c>mme</c>: a core-network problem; MME-initiated releases rise with no radio or transport symptom.</summary>
    Core,
}
