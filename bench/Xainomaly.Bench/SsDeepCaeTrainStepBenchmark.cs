using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// One SS-DeepCAE training step (d = 20, batch 64: reconstruction + Jacobian penalty + BCE head, Adam),
/// on the AVX-512, the AVX2 and the portable kernel path. Target ≤ 0.6 ms per step.
/// </summary>
[MemoryDiagnoser]
public class SsDeepCaeTrainStepBenchmark
{
    private const int D = 20, Batch = 64;
    private SsDeepCaeNetwork _net = null!;
    private float[] _x = null!, _y = null!, _w = null!;

    [Params(KernelChoice.Avx512, KernelChoice.Avx2, KernelChoice.Portable)]
    public KernelChoice Path { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelPath.ForcePortable = Path == KernelChoice.Portable;
        KernelPath.ForceAvx2 = Path == KernelChoice.Avx2;
        _net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 1, ContractiveWeight = 1e-3f });
        var rng = new Rng(2);
        _x = new float[Batch * D];
        _y = new float[Batch];
        _w = new float[Batch];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle();
        for (int i = 0; i < Batch; i++)
        {
            _y[i] = rng.NextInt(2);
            _w[i] = i % 8 == 0 ? 1f : 0f;
        }
        for (int s = 0; s < 50; s++) _net.TrainStep(_x, Batch, _y, _w); // leave the all-fresh-weights regime
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        KernelPath.ForcePortable = false;
        KernelPath.ForceAvx2 = false;
    }

    [Benchmark]
    public double TrainStep() => _net.TrainStep(_x, Batch, _y, _w).Total;
}
