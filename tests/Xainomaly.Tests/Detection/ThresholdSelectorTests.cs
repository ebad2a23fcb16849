using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Detection;

public sealed class ThresholdSelectorTests
{
    [Fact]
    public void SeparableScoresGetAThresholdInTheGap()
    {
        float[] s = [0.1f, 0.2f, 0.3f, 0.8f, 0.9f];
        int[] y = [0, 0, 0, 1, 1];
        double tau = ThresholdSelector.MaximizeUar(s, y);
        Assert.InRange(tau, 0.3, 0.8);
        Assert.Equal(1.0, ThresholdSelector.UarAt(s, y, tau));
    }

    [Fact]
    public void ChosenThresholdIsOptimalAgainstBruteForce()
    {
        var rng = new Rng(4);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 50;
            var s = new float[n];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = i % 3 == 0 ? 1 : 0;
                s[i] = (float)Math.Round(rng.NextGaussian() + y[i], 1); // ties on purpose
            }
            double best = 0;
            foreach (var t in s) best = Math.Max(best, Math.Max(ThresholdSelector.UarAt(s, y, t), ThresholdSelector.UarAt(s, y, t - 1e-3)));
            double tau = ThresholdSelector.MaximizeUar(s, y);
            Assert.Equal(best, ThresholdSelector.UarAt(s, y, tau), 12);
        }
    }

    [Fact]
    public void OneClassIsRefused()
    {
        Assert.Throws<ArgumentException>(() => ThresholdSelector.MaximizeUar([0.1f, 0.2f], [0, 0]));
    }

    [Fact]
    public void QuantileFlagsTheRequestedShare()
    {
        var s = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        double tau = ThresholdSelector.Quantile(s, 0.1);
        Assert.InRange(s.Count(v => v > tau), 99, 101);
    }
}
