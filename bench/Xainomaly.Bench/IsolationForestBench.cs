using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>Isolation Forest fit (default options, 10,000 × 20 rows) and batched scoring throughput.</summary>
[MemoryDiagnoser]
public class IsolationForestBench
{
    private const int Width = 20;
    private float[] _train = [];
    private float[] _batch = [];
    private double[] _scores = [];
    private IsolationForest _forest = null!;

    /// <summary>Rows per scoring call.</summary>
    [Params(1, 4_096, 1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _train = new float[10_000 * Width];
        for (int i = 0; i < _train.Length; i++) _train[i] = (float)rng.NextDouble();
        _batch = new float[Rows * Width];
        for (int i = 0; i < _batch.Length; i++) _batch[i] = (float)rng.NextDouble();
        _scores = new double[Rows];
        _forest = IsolationForest.Fit(_train, 10_000, Width, new IsolationForestOptions { Seed = 1 });
    }

    [Benchmark]
    public IsolationForest Fit() => IsolationForest.Fit(_train, 10_000, Width, new IsolationForestOptions { Seed = 1 });

    [Benchmark]
    public double[] Score()
    {
        _forest.Score(_batch, Rows, _scores);
        return _scores;
    }
}
