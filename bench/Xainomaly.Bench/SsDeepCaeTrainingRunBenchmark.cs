using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>The paper's full training run, 10,000 steps of batch 64 on fresh weights; target ≤ 8 s.</summary>
[MemoryDiagnoser]
[SimpleJob(BenchmarkDotNet.Engines.RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SsDeepCaeTrainingRunBenchmark
{
    private const int D = 20, Batch = 64, Rows = 8_000;
    private float[] _data = null!, _labels = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(3);
        _data = new float[Rows * D];
        _labels = new float[Rows];
        for (int i = 0; i < _data.Length; i++) _data[i] = rng.NextSingle();
        for (int i = 0; i < Rows; i++) _labels[i] = rng.NextInt(2);
    }

    [Benchmark]
    public double TenThousandSteps()
    {
        var net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 4 });
        var rng = new Rng(5);
        var x = new float[Batch * D];
        var y = new float[Batch];
        var w = new float[Batch];
        double last = 0;
        for (int s = 0; s < 10_000; s++)
        {
            for (int b = 0; b < Batch; b++)
            {
                int r = rng.NextInt(Rows);
                _data.AsSpan(r * D, D).CopyTo(x.AsSpan(b * D, D));
                y[b] = _labels[r];
                w[b] = r < 100 ? 1f : 0f; // 100 labelled rows
            }
            last = net.TrainStep(x, Batch, y, w).Total;
        }
        return last;
    }
}
