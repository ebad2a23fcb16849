namespace Xainomaly.Service.Pipeline;

/// <summary>One record in a UE's recent history: the KPIs the degradation rule and the dashboard sparklines use.</summary>
public readonly record struct UeKpiPoint(DateTimeOffset Timestamp, double Throughput, double Rsrp, double Rsrq, double Rssinr, double PrbUsage, double Score, bool Anomalous);
