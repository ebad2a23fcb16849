using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

public sealed class KernelsTests
{
    [Fact]
    public void ReluMaskAndBackward()
    {
        float[] x = [-2, -0.0f, 0.5f, 3, -1, 2, 0, 7, -3, 1];
        var y = new float[x.Length];
        Kernels.Relu(x, y);
        var mask = new float[x.Length];
        Kernels.ReluMask(x, mask);
        float[] g = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var gi = new float[x.Length];
        Array.Fill(gi, 1f);
        Kernels.ReluBackward(g, x, gi, accumulate: true);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Math.Max(x[i], 0f), y[i]);
            Assert.Equal(x[i] > 0 ? 1f : 0f, mask[i]);
            Assert.Equal(1f + (x[i] > 0 ? g[i] : 0f), gi[i]);
        }
    }

    [Fact]
    public void ScalarFunctionsMatchDoublePrecision()
    {
        float[] x = [-50f, -3f, -0.5f, 0f, 0.25f, 2f, 40f, 100f];
        var sp = new float[x.Length];
        var sg = new float[x.Length];
        var th = new float[x.Length];
        Kernels.Softplus(x, sp);
        Kernels.Sigmoid(x, sg);
        Kernels.Tanh(x, th);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double softplus = Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
            Assert.Equal(softplus, sp[i], 1e-5 * Math.Max(1, softplus));
            Assert.Equal(1 / (1 + Math.Exp(-v)), sg[i], 1e-6);
            Assert.Equal(1 / (1 + Math.Exp(-v)), Kernels.Sigmoid(x[i]), 1e-6);
            Assert.Equal(Math.Tanh(v), th[i], 1e-6);
        }
    }

    [Fact]
    public void RowAndColumnSums()
    {
        float[] x = [1, 2, 3, 4, 5, 6]; // 2×3
        var rows = new float[2];
        var cols = new float[3];
        Kernels.RowSums(x, rows, 2, 3);
        Kernels.ColumnSums(x, cols, 2, 3);
        Assert.Equal([6f, 15f], rows);
        Assert.Equal([5f, 7f, 9f], cols);
        Kernels.ColumnSums(x, cols, 2, 3, accumulate: true);
        Assert.Equal([10f, 14f, 18f], cols);
        Kernels.AddBias(x, [10, 20, 30], 2, 3);
        Assert.Equal([11f, 22f, 33f, 14f, 25f, 36f], x);
    }

    [Fact]
    public void SquaredDistanceMatchesDouble()
    {
        var rng = new Rng(3);
        var a = new float[37];
        var b = new float[37];
        double expected = 0;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)rng.NextGaussian();
            b[i] = (float)rng.NextGaussian();
            expected += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        }
        Assert.Equal(expected, Kernels.SquaredDistance(a, b), 1e-4);
    }
}
