using BenchmarkDotNet.Attributes;

using Xainomaly.Evaluation;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>Ranking metrics over large score vectors (sort-dominated, O(n log n)).</summary>
[MemoryDiagnoser]
public class MetricsBench
{
    private int[] _labels = [];
    private float[] _scores = [];

    /// <summary>Number of scored rows.</summary>
    [Params(10_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(2);
        _labels = new int[N];
        _scores = new float[N];
        for (int i = 0; i < N; i++)
        {
            _labels[i] = rng.NextDouble() < 0.25 ? 1 : 0;
            _scores[i] = (float)(rng.NextGaussian() + _labels[i]);
        }
    }

    [Benchmark]
    public double RocAuc() => Metrics.RocAuc(_labels, _scores);

    [Benchmark]
    public BinaryMetrics Compute() => BinaryMetrics.Compute(_labels, _scores, 0.5);
}
