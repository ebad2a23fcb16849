using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

/// <summary>
/// The AVX-512 kernels against the AVX2 ones (bit for bit: every element is one FMA chain over k in order on both) and
/// against a float64 reference, on every column tail width. On machines without AVX-512 both runs take the AVX2 path
/// and only the reference comparison is meaningful.
/// </summary>
public sealed class GemmAvx512Tests
{
    private const int Guard = 37; // elements after C that no kernel may write

    private static readonly int[] RowCounts = [1, 2, 3, 4, 5, 7, 8, 9, 12, 17];
    private static readonly int[] Depths = [1, 2, 5, 16, 23, 33, 64];

    private static float[] Random(int n, Rng rng)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.Uniform(-1, 1);
        return a;
    }

    private static float[] WithGuard(int n)
    {
        var c = new float[n + Guard];
        c.AsSpan(n).Fill(BitConverter.Int32BitsToSingle(0x7FC0_1234));
        return c;
    }

    // One product per kernel family; the same matrices feed A·B, A·Bᵀ (via Bᵀ), Aᵀ·B (via Aᵀ) and the fused layer.
    private static List<float[]> RunAll(float[] a, float[] at, float[] b, float[] bt, float[] bias, float[] c0, int m, int k, int n)
    {
        var outputs = new List<float[]>();
        float[] c = WithGuard(m * n);
        Gemm.Multiply(a, b, c, m, k, n);
        outputs.Add(c);
        c = WithGuard(m * n);
        c0.CopyTo(c, 0);
        Gemm.Multiply(a, b, c, m, k, n, accumulate: true);
        outputs.Add(c);
        c = WithGuard(m * n);
        Gemm.MultiplyTransposeB(a, bt, c, m, k, n);
        outputs.Add(c);
        c = WithGuard(m * n);
        c0.CopyTo(c, 0);
        Gemm.MultiplyTransposeA(at, b, c, m, k, n, accumulate: true);
        outputs.Add(c);
        c = WithGuard(m * n);
        Gemm.Linear(a, b, bias, c, m, k, n, relu: false);
        outputs.Add(c);
        c = WithGuard(m * n);
        Gemm.Linear(a, b, bias, c, m, k, n, relu: true);
        outputs.Add(c);
        return outputs;
    }

    [Fact]
    public void WidePathMatchesEightLanePathBitForBitAndFloat64OnEveryTail()
    {
        var rng = new Rng(512);
        int shapes = 0;
        for (int n = 1; n <= 70; n++)
        {
            foreach (int m in RowCounts)
            {
                // Two depths per (m, n), rotating through the list, keep the test fast while every (m, k) pair and every
                // tail width 1–15 (n mod 16) occurs.
                for (int t = 0; t < 2; t++)
                {
                    int k = Depths[(n + m + (t * 3)) % Depths.Length];
                    float[] a = Random(m * k, rng), b = Random(k * n, rng), bias = Random(n, rng), c0 = Random(m * n, rng);
                    float[] at = new float[k * m], bt = new float[n * k];
                    Gemm.Transpose(a, at, m, k);
                    Gemm.Transpose(b, bt, k, n);
                    List<float[]> wide = RunAll(a, at, b, bt, bias, c0, m, k, n);
                    List<float[]> narrow;
                    using (KernelPath.Avx2Scope()) narrow = RunAll(a, at, b, bt, bias, c0, m, k, n);
                    CheckShape(wide, narrow, a, b, bias, c0, m, k, n);
                    shapes++;
                }
            }
        }
        Assert.Equal(70 * RowCounts.Length * 2, shapes);
    }

    private static void CheckShape(List<float[]> wide, List<float[]> narrow, float[] a, float[] b, float[] bias, float[] c0, int m, int k, int n)
    {
        string[] names = ["A·B", "C + A·B", "A·(Bᵀ)ᵀ", "C + (Aᵀ)ᵀ·B", "A·B + bias", "relu(A·B + bias)"];
        double tol = 1e-5 * Math.Max(1, k);
        for (int v = 0; v < wide.Count; v++)
        {
            float[] w = wide[v], s = narrow[v];
            for (int e = 0; e < w.Length; e++)
            {
                if (BitConverter.SingleToInt32Bits(w[e]) != BitConverter.SingleToInt32Bits(s[e]))
                    Assert.Fail($"{names[v]} m={m} k={k} n={n}: element {e} is {w[e]:R} on the 16-lane path and {s[e]:R} on the 8-lane path.");
            }
            for (int e = m * n; e < w.Length; e++)
            {
                if (BitConverter.SingleToInt32Bits(w[e]) != 0x7FC0_1234) Assert.Fail($"{names[v]} m={m} k={k} n={n}: wrote past C at {e}.");
            }
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (double)a[(i * k) + p] * b[(p * n) + j];
                    double expected = v switch
                    {
                        1 or 3 => sum + c0[(i * n) + j],
                        4 => sum + bias[j],
                        5 => Math.Max(0, sum + bias[j]),
                        _ => sum,
                    };
                    double got = w[(i * n) + j];
                    if (!(Math.Abs(got - expected) <= tol))
                        Assert.Fail($"{names[v]} m={m} k={k} n={n}: element ({i}, {j}) is {got:R}, float64 gives {expected:R}.");
                }
            }
        }
    }

    [Fact]
    public void EmptyInnerDimensionGivesBiasOrKeepsCOnBothPaths()
    {
        // k = 0: no FMA at all, so the fused layer is relu(bias), the overwriting product 0 and the accumulating one C.
        var rng = new Rng(5);
        const int m = 11, n = 37;
        float[] bias = Random(n, rng), c0 = Random(m * n, rng);
        foreach (bool narrow in new[] { false, true })
        {
            using IDisposable? scope = narrow ? KernelPath.Avx2Scope() : null;
            var y = new float[m * n];
            Gemm.Linear([], [], bias, y, m, 0, n, relu: true);
            for (int e = 0; e < y.Length; e++) Assert.Equal(MathF.Max(bias[e % n], 0f), y[e]);
            float[] c = (float[])c0.Clone();
            Gemm.Multiply([], [], c, m, 0, n, accumulate: true);
            Assert.Equal(c0, c);
            Gemm.Multiply([], [], c, m, 0, n);
            Assert.All(c, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void WidePathIsChosenWhereSupportedAndScopesSwitchIt()
    {
        Assert.Equal(KernelPath.IsAvx512Supported, KernelPath.UseAvx512);
        using (KernelPath.Avx2Scope())
        {
            Assert.False(KernelPath.UseAvx512);
            Assert.Equal(KernelPath.IsAvx2Supported, KernelPath.UseAvx2);
            using (KernelPath.PortableScope()) Assert.False(KernelPath.UseAvx2);
            Assert.Equal(KernelPath.IsAvx2Supported, KernelPath.UseAvx2);
        }
        Assert.Equal(KernelPath.IsAvx512Supported, KernelPath.UseAvx512);
    }

    [Fact]
    public void NetworkScoresAreBitIdenticalOnBothPaths()
    {
        // The bench model's shape: d = 23 → 64 → 32 → 16 → 16 → 32 → 64 → 23, plus the 16 → 1 head; 4,099 rows so the
        // last 8-row block is partial, in one block (no parallel split) and in parallel blocks of 1,000 rows.
        const int d = 23, rows = 4_099;
        var rng = new Rng(7);
        float[] x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
        foreach (int block in new[] { 4_096 * 2, 1_000 })
        {
            var net = new SsDeepCaeNetwork(d, new SsDeepCaeOptions { Seed = 3, BlockRows = block });
            float[] re = new float[rows], z = new float[rows], p = new float[rows];
            float[] re2 = new float[rows], z2 = new float[rows], p2 = new float[rows];
            net.Score(x, rows, re, z, p);
            using (KernelPath.Avx2Scope()) net.Score(x, rows, re2, z2, p2);
            Assert.Equal(re2, re);
            Assert.Equal(z2, z);
            Assert.Equal(p2, p);
            net.ScoreRow(x.AsSpan((rows - 1) * d, d), out float r1, out float z1, out float p1);
            Assert.Equal(re[^1], r1);
            Assert.Equal(z[^1], z1);
            Assert.Equal(p[^1], p1);
        }
    }
}
