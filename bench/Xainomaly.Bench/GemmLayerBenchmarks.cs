using BenchmarkDotNet.Attributes;

using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// One fused dense layer, Y = relu(X·W + b) on a 4,096-row block (one SS-DeepCAE scoring block, single thread), for
/// each layer width of the d = 23 bench model (23-64-32-16-16-32-64-23 and the 16 → 1 head), on the AVX-512 and the
/// AVX2 kernels. Time per call; divide by 4,096 for time per row.
/// </summary>
[MedianColumn]
public class GemmLayerBenchmarks
{
    private const int Rows = 4_096;
    private float[] _x = null!, _w = null!, _bias = null!, _y = null!;
    private int _k, _n;

    /// <summary>GEMM kernels.</summary>
    [Params(KernelChoice.Avx512, KernelChoice.Avx2)]
    public KernelChoice Kernel { get; set; }

    /// <summary>Input × output width of the layer.</summary>
    [Params("23x64", "64x32", "32x16", "16x16", "16x32", "32x64", "64x23", "16x1")]
    public string Layer { get; set; } = "23x64";

    [GlobalSetup]
    public void Setup()
    {
        KernelPath.ForceAvx2 = Kernel == KernelChoice.Avx2;
        string[] parts = Layer.Split('x');
        _k = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var rng = new Rng(1);
        _x = new float[Rows * _k];
        _w = new float[_k * _n];
        _bias = new float[_n];
        _y = new float[Rows * _n];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle();
        for (int i = 0; i < _w.Length; i++) _w[i] = rng.NextSingle() - 0.5f;
        for (int i = 0; i < _bias.Length; i++) _bias[i] = rng.NextSingle() - 0.5f;
    }

    [GlobalCleanup]
    public void Cleanup() => KernelPath.ForceAvx2 = false;

    [Benchmark]
    public float Linear()
    {
        Gemm.Linear(_x, _w, _bias, _y, Rows, _k, _n, relu: true);
        return _y[^1];
    }
}
