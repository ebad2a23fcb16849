using System.Security.Cryptography;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Tuning;

/// <summary>The generalised network keeps the paper's default bit-identical to the fixed network it replaced.</summary>
public sealed class SsDeepCaeDefaultArchitectureTests
{
    // SHA-256 of the weight block after 60 steps with seed 9, produced by the fixed 20-64-32-16 network before
    // depth, width, loss and optimiser became options (commit d86cf7a).
    private const string DefaultWeightsSha256 = "88D1A978A48CD3B10B76D8BC2E87A3F12E0ACC09B19D24E5A0A63F23967E358B";

    internal static string TrainedWeightsSha256(SsDeepCaeOptions options, int steps = 60)
    {
        const int d = 20, n = 32;
        var net = new SsDeepCaeNetwork(d, options);
        var rng = new Rng(77);
        var x = new float[n * d];
        var y = new float[n];
        var w = new float[n];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
            for (int i = 0; i < n; i++)
            {
                y[i] = rng.NextInt(2);
                w[i] = i % 4 == 0 ? 1f : 0f;
            }
            net.TrainStep(x, n, y, w);
        }
        using var ms = new MemoryStream();
        using (var bw = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) net.Save(bw);
        return Convert.ToHexString(SHA256.HashData(ms.ToArray()));
    }

    [Fact]
    public void DefaultNetworkTrainsToTheSameBytesAsBefore()
    {
        Assert.Equal(DefaultWeightsSha256, TrainedWeightsSha256(new SsDeepCaeOptions { Seed = 9, ContractiveWeight = 0.01f }));
    }
}
