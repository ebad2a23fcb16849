using FsCheck;
using FsCheck.Xunit;

using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

public sealed class GemmPropertyTests
{
    private static float[] Random(int n, Rng rng)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.Uniform(-1, 1);
        return a;
    }

    [Property(MaxTest = 60)]
    public bool AllProductsMatchFloat64OnRandomShapes(PositiveInt pm, PositiveInt pk, PositiveInt pn, int seed)
    {
        int m = (pm.Get % 37) + 1, k = (pk.Get % 37) + 1, n = (pn.Get % 37) + 1;
        var rng = new Rng(seed);
        float[] a = Random(m * k, rng), b = Random(k * n, rng), bt = new float[n * k], at = new float[k * m];
        Gemm.Transpose(b, bt, k, n);
        Gemm.Transpose(a, at, m, k);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        var c3 = new float[m * n];
        Gemm.Multiply(a, b, c1, m, k, n);
        Gemm.MultiplyTransposeB(a, bt, c2, m, k, n);
        Gemm.MultiplyTransposeA(at, b, c3, m, k, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[(i * k) + p] * b[(p * n) + j];
                int idx = (i * n) + j;
                if (Math.Abs(c1[idx] - s) > 1e-5 * k || Math.Abs(c2[idx] - s) > 1e-5 * k || Math.Abs(c3[idx] - s) > 1e-5 * k) return false;
            }
        }
        return true;
    }

    [Fact]
    public void GatherMultiplyMatchesNaiveOnBothPaths()
    {
        var rng = new Rng(8);
        const int rowsA = 9, colsA = 23, rowsB = 30, n = 21, m = 7, k = 11;
        float[] a = Random(rowsA * colsA, rng), b = Random(rowsB * n, rng), c = new float[12 * n];
        int[] aRow = [3, 0, 8, 5, 1, 7, 2], offsets = new int[k], bRow = new int[k], cRow = [11, 0, 4, 6, 2, 9, 1];
        for (int p = 0; p < k; p++)
        {
            offsets[p] = rng.NextInt(colsA);
            bRow[p] = rng.NextInt(rowsB);
        }
        int[] aStarts = Array.ConvertAll(aRow, r => r * colsA), bStarts = Array.ConvertAll(bRow, r => r * n), cStarts = Array.ConvertAll(cRow, r => r * n);
        foreach (bool portable in new[] { false, true })
        {
            using IDisposable? scope = portable ? KernelPath.PortableScope() : null;
            float[] init = Random(c.Length, rng);
            init.CopyTo(c, 0);
            Gemm.GatherMultiply(a, aStarts, offsets, b, bStarts, c, cStarts, m, k, n, accumulate: true);
            for (int r = 0; r < m; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = init[(cRow[r] * n) + j];
                    for (int p = 0; p < k; p++) s += (double)a[(aRow[r] * colsA) + offsets[p]] * b[(bRow[p] * n) + j];
                    Assert.Equal(s, c[(cRow[r] * n) + j], 1e-5);
                }
            }
        }
    }
}
