namespace Xainomaly.Service.Steering;

/// <summary>What a UE measured of one cell: RF quality and, for the serving cell, the PRBs it used.</summary>
/// <param name="Cell">Cell identity (e.g. <c>c2/B13</c>).</param>
/// <param name="Rsrp">Reference signal received power, dBm.</param>
/// <param name="Rsrq">Reference signal received quality, dB.</param>
/// <param name="Rssinr">Signal to interference and noise ratio, dB.</param>
/// <param name="PrbUsage">Physical resource blocks in use (serving cell only; null for neighbours, which the report does not load-describe).</param>
public sealed record CellMeasurement(string Cell, double Rsrp, double Rsrq, double Rssinr, double? PrbUsage);
