using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// SS-DeepCAE inference (d = 20): batched scoring of 1,000,000 rows (RE, ‖z‖, head probability; target
/// ≥ 3,000,000 rows/s on 2 cores) and single-row scoring (target ≤ 10 µs, 0 bytes), on the AVX-512 and the AVX2 kernels.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SsDeepCaeScoringBenchmark
{
    private const int D = 20, Rows = 1_000_000;
    private SsDeepCaeNetwork _net = null!;
    private float[] _x = null!, _re = null!, _z = null!, _p = null!, _grad = null!;

    /// <summary>GEMM kernels under the forward and backward passes.</summary>
    [Params(KernelChoice.Avx512, KernelChoice.Avx2)]
    public KernelChoice Kernel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelPath.ForceAvx2 = Kernel == KernelChoice.Avx2;
        _net = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 1 });
        var rng = new Rng(2);
        _x = new float[Rows * D];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle();
        _re = new float[Rows];
        _z = new float[Rows];
        _p = new float[Rows];
        _grad = new float[4096 * D];
    }

    [GlobalCleanup]
    public void Cleanup() => KernelPath.ForceAvx2 = false;

    [Benchmark]
    public float ScoreMillionRows()
    {
        _net.Score(_x, Rows, _re, _z, _p);
        return _re[Rows - 1];
    }

    [Benchmark]
    public float ScoreSingleRow()
    {
        _net.ScoreRow(_x.AsSpan(0, D), out float re, out float z, out float p);
        return re + z + p;
    }

    [Benchmark]
    public float InputGradient4096Rows()
    {
        _net.InputGradient(_x.AsSpan(0, 4096 * D), 4096, 1f, 0f, 0f, _grad);
        return _grad[0];
    }
}
