namespace Xainomaly.Detection;

/// <summary>Predicts a UE's downlink throughput in a cell from that cell's radio measurements and load (what traffic steering asks).</summary>
public interface IThroughputPredictor
{
    /// <summary>Predicted downlink throughput (the training data's unit, Mbit/s for the O-RAN data), never negative.</summary>
    /// <param name="rsrp">RSRP of the cell at the UE, dBm.</param>
    /// <param name="rsrq">RSRQ, dB.</param>
    /// <param name="sinr">RS-SINR, dB.</param>
    /// <param name="load">The cell's load as PRB usage (the <c>prb_usage</c> column's unit).</param>
    double Predict(double rsrp, double rsrq, double sinr, double load);
}
