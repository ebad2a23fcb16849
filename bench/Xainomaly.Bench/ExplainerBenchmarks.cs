using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Explanation;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// Explaining one row of a 23-feature SS-DeepCAE (untrained network, score = auto mix) with a 100-row background:
/// KernelSHAP at the default budget 2·d + 2048 (target ≤ 60 ms per row), permutation sampling (10 antithetic pairs)
/// and exact enumeration of all 2^23 coalitions (about 839 million model rows; one iteration is minutes long, so run
/// it on its own with <c>--filter *Exact*</c>).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ExplainerBenchmarks
{
    private const int D = 23, Background = 100;
    private double[] _row = null!;
    private KernelShapExplainer _kernel = null!;
    private KernelShapExplainer _kernelDoublePath = null!;
    private PermutationExplainer _permutation = null!;
    private ExactShapleyExplainer _exact = null!;

    [GlobalSetup]
    public void Setup()
    {
        var network = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 1 });
        // SsDeepCae wraps a network only through its reader, so round-trip the fresh network through its format.
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(network.Options.ContractiveWeight);
            w.Write(network.Options.LearningRate);
            network.Save(w);
        }
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        var detector = new SemiSupervisedDetector(SsDeepCae.Read(r), new ScoreMix("auto", 0.5f, 1f, 1f), 0.5);

        var rng = new Rng(2);
        var train = new float[1000 * D];
        for (int i = 0; i < train.Length; i++) train[i] = rng.NextSingle();
        var background = BackgroundSet.Sample(train, D, Background, seed: 3);
        _row = new double[D];
        for (int j = 0; j < D; j++) _row[j] = rng.NextDouble();
        var v = new ValueFunction(ModelFunction.FromDetector(detector), background);
        _kernel = new KernelShapExplainer(v, new KernelShapOptions(Seed: 4));
        // The pipeline before the float path: masked rows built in double, converted to float per 4,096-row chunk and
        // scored one chunk at a time (a chunk never exceeds one network block, so it runs on one core).
        var scores = new float[4096];
        var f = new float[4096 * D];
        var asDouble = ModelFunction.FromDoubleFunc(D, (rows, n) =>
        {
            if (scores.Length < n) scores = new float[n];
            if (f.Length < n * D) f = new float[n * D];
            for (int i = 0; i < n * D; i++) f[i] = (float)rows[i];
            detector.Score(f.AsSpan(0, n * D), n, scores);
            var o = new double[n];
            for (int i = 0; i < n; i++) o[i] = scores[i];
            return o;
        });
        _kernelDoublePath = new KernelShapExplainer(new ValueFunction(asDouble, background, chunkRows: 4096), new KernelShapOptions(Seed: 4));
        _permutation = new PermutationExplainer(v, new PermutationExplainerOptions(Permutations: 20, Seed: 4));
        _exact = new ExactShapleyExplainer(v, new ExactShapleyOptions(MaxFeatures: D));
    }

    /// <summary>KernelSHAP, default budget (2,094 coalitions × 100 background rows ≈ 209,000 model rows).</summary>
    [Benchmark]
    public double KernelShapOneRow() => _kernel.Explain(_row, 1).Values[0];

    /// <summary>The same KernelSHAP through the earlier double-precision, 4,096-row, one-core value path (the "before").</summary>
    [Benchmark]
    public double KernelShapOneRowDoublePath() => _kernelDoublePath.Explain(_row, 1).Values[0];

    /// <summary>Permutation sampling, 20 permutations (10 antithetic pairs; 440 coalitions × 100 rows).</summary>
    [Benchmark]
    public double PermutationOneRow() => _permutation.Explain(_row, 1).Values[0];

    /// <summary>Exact Shapley over all 2^23 coalitions.</summary>
    [Benchmark]
    public double ExactOneRow() => _exact.Explain(_row, 1).Values[0];
}
