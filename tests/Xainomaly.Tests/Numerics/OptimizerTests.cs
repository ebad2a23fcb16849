using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

public sealed class OptimizerTests
{
    private static (ParameterCollection Ps, Tensor W) One(float[] values)
    {
        var w = new Tensor((float[])values.Clone(), 1, values.Length, requiresGrad: true);
        var ps = new ParameterCollection();
        ps.Add(w);
        return (ps, w);
    }

    [Fact]
    public void AdamMatchesHandComputedUpdate()
    {
        float[] w0 = [0.5f, -1f, 2f];
        float[][] grads = [[0.1f, -0.2f, 0.3f], [-0.4f, 0.5f, 0.05f], [0.2f, 0.2f, -0.1f]];
        (ParameterCollection ps, Tensor w) = One(w0);
        var adam = new Adam(ps, learningRate: 0.01f);
        double[] m = new double[3], v = new double[3], theta = Array.ConvertAll(w0, x => (double)x);
        for (int t = 1; t <= grads.Length; t++)
        {
            grads[t - 1].CopyTo(w.Grad!, 0);
            adam.Step();
            for (int i = 0; i < 3; i++)
            {
                double g = grads[t - 1][i];
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                double mh = m[i] / (1 - Math.Pow(0.9, t)), vh = v[i] / (1 - Math.Pow(0.999, t));
                theta[i] -= 0.01 * mh / (Math.Sqrt(vh) + 1e-8);
                Assert.Equal(theta[i], w.Data[i], 1e-6);
            }
            Assert.All(w.Grad!, g => Assert.Equal(0f, g)); // Step clears gradients
        }
    }

    [Fact]
    public void SgdWithMomentumMatchesHandComputedUpdate()
    {
        (ParameterCollection ps, Tensor w) = One([1f, 2f]);
        var sgd = new Sgd(ps, learningRate: 0.1f, momentum: 0.9f);
        float[][] grads = [[1f, -1f], [0.5f, 0.5f], [0f, 2f]];
        double[] b = new double[2], theta = [1, 2];
        for (int t = 0; t < grads.Length; t++)
        {
            grads[t].CopyTo(w.Grad!, 0);
            sgd.Step();
            for (int i = 0; i < 2; i++)
            {
                b[i] = t == 0 ? grads[t][i] : (0.9 * b[i]) + grads[t][i];
                theta[i] -= 0.1 * b[i];
                Assert.Equal(theta[i], w.Data[i], 1e-6);
            }
        }
    }

    [Fact]
    public void RmsPropMatchesHandComputedUpdate()
    {
        (ParameterCollection ps, Tensor w) = One([1f, -2f]);
        var opt = new RmsProp(ps, learningRate: 0.01f, rho: 0.9f);
        float[][] grads = [[1f, -3f], [0.5f, 0.25f]];
        double[] s = new double[2], theta = [1, -2];
        foreach (float[] g in grads)
        {
            g.CopyTo(w.Grad!, 0);
            opt.Step();
            for (int i = 0; i < 2; i++)
            {
                s[i] = (0.9 * s[i]) + (0.1 * g[i] * g[i]);
                theta[i] -= 0.01 * g[i] / (Math.Sqrt(s[i]) + 1e-8);
                Assert.Equal(theta[i], w.Data[i], 1e-6);
            }
        }
    }

    [Fact]
    public void GradientClippingCapsTheGlobalNorm()
    {
        (ParameterCollection ps, Tensor w) = One([0f, 0f]);
        var sgd = new Sgd(ps, learningRate: 1f) { MaxGradientNorm = 1.0 };
        w.Grad![0] = 3f;
        w.Grad[1] = 4f; // norm 5 → scaled to 1
        sgd.Step();
        Assert.Equal(-0.6f, w.Data[0], 1e-6f);
        Assert.Equal(-0.8f, w.Data[1], 1e-6f);
    }

    [Fact]
    public void SaveLoadRoundTripIsBitIdentical()
    {
        var rng = new Rng(42);
        var a = new Dense(7, 5, rng);
        var b = new Dense(5, 3, rng, WeightInit.GlorotUniform);
        var ps = new ParameterCollection();
        a.AddTo(ps);
        b.AddTo(ps);
        a.Bias.Data[2] = float.Epsilon; // a denormal survives too
        using var ms = new MemoryStream();
        ps.Save(new BinaryWriter(ms));
        var rng2 = new Rng(7);
        var a2 = new Dense(7, 5, rng2);
        var b2 = new Dense(5, 3, rng2);
        var ps2 = new ParameterCollection();
        a2.AddTo(ps2);
        b2.AddTo(ps2);
        ms.Position = 0;
        ps2.Load(new BinaryReader(ms));
        for (int i = 0; i < ps.Count; i++)
        {
            for (int j = 0; j < ps[i].Length; j++)
                Assert.Equal(BitConverter.SingleToInt32Bits(ps[i].Data[j]), BitConverter.SingleToInt32Bits(ps2[i].Data[j]));
        }
        Assert.Equal((7 * 5) + 5 + (5 * 3) + 3, ps2.ScalarCount);
    }

    [Fact]
    public void LoadRejectsWrongShapes()
    {
        var ps = new ParameterCollection();
        new Dense(3, 2, new Rng(1)).AddTo(ps);
        using var ms = new MemoryStream();
        ps.Save(new BinaryWriter(ms));
        var other = new ParameterCollection();
        new Dense(2, 3, new Rng(1)).AddTo(other);
        ms.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => other.Load(new BinaryReader(ms)));
        Assert.Contains("tensor 0", ex.Message);
    }

    [Fact]
    public void DenseInitialisationFollowsTheRequestedScale()
    {
        var he = new Dense(400, 300, new Rng(1));
        double s2 = 0;
        foreach (float v in he.Weight.Data) s2 += v * v;
        Assert.Equal(2.0 / 400, s2 / he.Weight.Length, 2e-4);
        var glorot = new Dense(400, 300, new Rng(2), WeightInit.GlorotUniform);
        double limit = Math.Sqrt(6.0 / 700);
        Assert.All(glorot.Weight.Data, v => Assert.InRange(v, -limit, limit));
        Assert.All(he.Bias.Data, v => Assert.Equal(0f, v));
    }
}
