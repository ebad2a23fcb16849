using Xainomaly.Numerics;

namespace Xainomaly.Tests.Numerics;

public sealed class RngTests
{
    [Fact]
    public void SameSeedGivesSameStream()
    {
        var a = new Rng(7);
        var b = new Rng(7);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void DifferentSeedsDiffer()
    {
        Assert.NotEqual(new Rng(1).NextUInt64(), new Rng(2).NextUInt64());
    }

    [Fact]
    public void NextIntIsUniformAndInRange()
    {
        var r = new Rng(3);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[r.NextInt(7)]++;
        foreach (var c in counts) Assert.InRange(c, 9_500, 10_500);
    }

    [Fact]
    public void GaussianHasUnitMoments()
    {
        var r = new Rng(11);
        double s = 0, s2 = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            double g = r.NextGaussian();
            s += g;
            s2 += g * g;
        }
        Assert.InRange(s / n, -0.01, 0.01);
        Assert.InRange(s2 / n, 0.98, 1.02);
    }

    [Fact]
    public void PermutationIsAPermutation()
    {
        var p = new Rng(5).Permutation(100);
        Assert.Equal(Enumerable.Range(0, 100), p.Order());
    }
}
