using BenchmarkDotNet.Attributes;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Simulation;

namespace Xainomaly.Bench;

/// <summary>
/// The traffic-steering path: one QoE prediction, a batch of 4,096, and one policy decision (serving + 5 neighbours),
/// with a predictor trained briefly on simulated UE traffic; plus generating the default LTE E-RAB data set.
/// </summary>
[MemoryDiagnoser]
public class SteeringBenchmarks
{
    private QoePredictor _qoe = null!;
    private TrafficSteeringPolicy _policy = null!;
    private SteeringRequest _request = null!;
    private double[] _rsrp = [], _rsrq = [], _sinr = [], _load = [], _out = [];

    [GlobalSetup]
    public void Setup()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Seed = 1, Seconds = 20 });
        _qoe = QoePredictor.Train(table, new QoePredictorOptions { Steps = 500, Seed = 1 }).Predictor;
        _policy = new TrafficSteeringPolicy(_qoe);
        CellMeasurement[] nbs = [.. Enumerable.Range(0, 5).Select(i => new CellMeasurement($"c{i}/B13", -100 + (4 * i), -10.8, 20 + (4 * i)))];
        _request = new SteeringRequest("Car-1", new CellMeasurement("c9/B13", -110, -11, 12, 60), nbs, 0.05, "t");
        int n = 4096;
        _rsrp = [.. table["rsrp"].Numbers!.Take(n)];
        _rsrq = [.. table["rsrq"].Numbers!.Take(n)];
        _sinr = [.. table["rssinr"].Numbers!.Take(n)];
        _load = [.. table["prb_usage"].Numbers!.Take(n)];
        _out = new double[_rsrp.Length];
    }

    [Benchmark]
    public double PredictOne() => _qoe.Predict(-95, -10.8, 25, 60);

    [Benchmark]
    public double[] PredictBatch4096()
    {
        _qoe.Predict(_rsrp, _rsrq, _sinr, _load, _out);
        return _out;
    }

    [Benchmark]
    public SteeringDecision Decide() => _policy.Decide(_request);

    [Benchmark]
    public KpiTable GenerateLteErabDefault() => LteErabSimulator.Generate(new LteErabOptions { Seed = 7 });
}
