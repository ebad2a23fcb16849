using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

public sealed class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 3, 5, 7 }, { 64, 20, 64 }, { 65, 33, 17 }, { 4, 16, 16 }, { 7, 64, 20 }, { 5, 3, 9 }, { 128, 64, 32 }, { 2, 1, 3 }, { 9, 17, 4 },
    };

    private static float[] Random(int n, long seed)
    {
        var rng = new Rng(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.Uniform(-1, 1);
        return a;
    }

    // Reference in float64: element (r, p) of A at a[r*ars + p*aks], (p, c) of B at b[p*brs + c*bcs].
    private static double[] Naive(float[] a, int ars, int aks, float[] b, int brs, int bcs, int m, int k, int n)
    {
        var c = new double[m * n];
        for (int r = 0; r < m; r++)
        {
            for (int col = 0; col < n; col++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[(r * ars) + (p * aks)] * b[(p * brs) + (col * bcs)];
                c[(r * n) + col] = s;
            }
        }
        return c;
    }

    private static void AssertClose(double[] expected, float[] actual, int k)
    {
        double tol = 1e-5 * Math.Max(1, k);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    private static void RunBothPaths(Action check)
    {
        check();
        using (KernelPath.PortableScope())
        {
            Assert.False(KernelPath.UseAvx2);
            check();
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyMatchesNaiveTripleLoop(int m, int k, int n)
    {
        float[] a = Random(m * k, 1), b = Random(k * n, 2);
        double[] expected = Naive(a, k, 1, b, n, 1, m, k, n);
        RunBothPaths(() =>
        {
            var c = new float[m * n];
            Gemm.Multiply(a, b, c, m, k, n);
            AssertClose(expected, c, k);
            // accumulate adds a second product on top
            Gemm.Multiply(a, b, c, m, k, n, accumulate: true);
            AssertClose(Array.ConvertAll(expected, v => 2 * v), c, k);
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyTransposeBMatchesNaive(int m, int k, int n)
    {
        float[] a = Random(m * k, 3), b = Random(n * k, 4); // b is n×k
        double[] expected = Naive(a, k, 1, b, 1, k, m, k, n);
        RunBothPaths(() =>
        {
            float[] c = Random(m * n, 9);
            float[] c0 = (float[])c.Clone();
            Gemm.MultiplyTransposeB(a, b, c, m, k, n, accumulate: true);
            var withOffset = new double[expected.Length];
            for (int i = 0; i < withOffset.Length; i++) withOffset[i] = expected[i] + c0[i];
            AssertClose(withOffset, c, k);
            Gemm.MultiplyTransposeB(a, b, c, m, k, n);
            AssertClose(expected, c, k);
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyTransposeAMatchesNaive(int m, int k, int n)
    {
        float[] a = Random(k * m, 5), b = Random(k * n, 6); // a is k×m
        double[] expected = Naive(a, 1, m, b, n, 1, m, k, n);
        RunBothPaths(() =>
        {
            var c = new float[m * n];
            Array.Fill(c, float.NaN); // overwrite mode must not read C
            Gemm.MultiplyTransposeA(a, b, c, m, k, n);
            AssertClose(expected, c, k);
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LinearAddsBiasAndAppliesRelu(int m, int k, int n)
    {
        float[] x = Random(m * k, 7), w = Random(k * n, 8), bias = Random(n, 10);
        double[] expected = Naive(x, k, 1, w, n, 1, m, k, n);
        for (int i = 0; i < expected.Length; i++) expected[i] = Math.Max(0, expected[i] + bias[i % n]);
        RunBothPaths(() =>
        {
            var y = new float[m * n];
            Gemm.Linear(x, w, bias, y, m, k, n, relu: true);
            AssertClose(expected, y, k);
        });
    }

    [Theory]
    [InlineData(9, 64, 23)]
    [InlineData(5, 16, 7)]
    [InlineData(3, 5, 1)]
    public void EveryColumnIsOneFusedMultiplyAddChainInInputOrder(int m, int k, int n)
    {
        // The vector blocks and the masked tail all accumulate bias + Σ_p x[i,p]·w[p,j] with one FMA per p, in order:
        // the same bits as the scalar chain, whichever block a column falls in (so batch shapes never change results).
        if (!KernelPath.UseAvx2) return;
        float[] x = Random(m * k, 21), w = Random(k * n, 22), bias = Random(n, 23);
        var y = new float[m * n];
        Gemm.Linear(x, w, bias, y, m, k, n, relu: false);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = bias[j];
                for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(x[(i * k) + p], w[(p * n) + j], s);
                Assert.Equal(s, y[(i * n) + j]);
            }
        }
    }

    [Fact]
    public void Avx2AndPortablePathsAgree()
    {
        const int m = 67, k = 45, n = 37;
        float[] a = Random(m * k, 11), b = Random(k * n, 12);
        var fast = new float[m * n];
        var portable = new float[m * n];
        Gemm.Multiply(a, b, fast, m, k, n);
        using (KernelPath.PortableScope()) Gemm.Multiply(a, b, portable, m, k, n);
        for (int i = 0; i < fast.Length; i++) Assert.Equal(portable[i], fast[i], 1e-4f);
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[5], new float[6], new float[4], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeA(new float[6], new float[6], new float[3], 2, 3, 2));
    }

    [Fact]
    public void TransposeIsCorrect()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        var t = new float[6];
        Gemm.Transpose(a, t, 2, 3);
        Assert.Equal([1, 4, 2, 5, 3, 6], t);
    }
}
