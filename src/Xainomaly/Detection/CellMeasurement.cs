namespace Xainomaly.Detection;

/// <summary>A cell as one UE sees it: its identity, the UE's measurements of it and the cell's load, for traffic steering.</summary>
/// <param name="CellId">Cell identity, e.g. <c>c2/B13</c>.</param>
/// <param name="Rsrp">RSRP at the UE, dBm.</param>
/// <param name="Rsrq">RSRQ at the UE, dB.</param>
/// <param name="Sinr">RS-SINR at the UE, dB.</param>
/// <param name="Load">The cell's load as PRB usage; null when unknown (UE reports carry only the serving cell's), then
/// <see cref="TrafficSteeringOptions.UnknownLoad"/> decides.</param>
public sealed record CellMeasurement(string CellId, double Rsrp, double Rsrq, double Sinr, double? Load = null);
