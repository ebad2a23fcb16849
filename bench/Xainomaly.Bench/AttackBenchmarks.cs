using BenchmarkDotNet.Attributes;

using Xainomaly.Adversarial;
using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// Adversarial examples per second: FGSM (ε = 0.1), PGD (ε = 0.1, 20 steps, no early stop) and JSMA (θ = 0.1, γ = 0.5)
/// on 256 rows of 23 features, 18 attackable, against an untrained SS-DeepCAE (auto score mix) and the paper's MLP
/// (3 × 256, head probability). Rows per second = 256 / mean time of one call.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class AttackBenchmarks
{
    private const int D = 23, Rows = 256;
    private float[] _x = null!;
    private int[] _y = null!;
    private IAdversarialAttack _fgsmCae = null!, _pgdCae = null!, _jsmaCae = null!, _fgsmMlp = null!, _pgdMlp = null!, _jsmaMlp = null!;

    [GlobalSetup]
    public void Setup()
    {
        var network = new SsDeepCaeNetwork(D, new SsDeepCaeOptions { Seed = 1 });
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(network.Options.ContractiveWeight);
            w.Write(network.Options.LearningRate);
            network.Save(w);
        }
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        var cae = new SemiSupervisedDetector(SsDeepCae.Read(r), new ScoreMix("auto", 0.5f, 1f, 1f), 0.5);
        var mlp = new SemiSupervisedDetector(new MlpClassifier(D, new MlpClassifierOptions { Seed = 1 }), new ScoreMix("head", 0f, 1f, 1f), 0.5);
        var flags = new bool[D];
        for (int j = 5; j < D; j++) flags[j] = true;
        var mask = new FeatureMask(flags);
        var rng = new Rng(2);
        _x = new float[Rows * D];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle();
        _y = new int[Rows];
        for (int i = 0; i < Rows; i++) _y[i] = i % 2;
        _fgsmCae = new Fgsm(cae, mask, new FgsmOptions(0.1));
        _pgdCae = new Pgd(cae, mask, new PgdOptions(0.1, Steps: 20, StopOnSuccess: false, Seed: 3));
        _jsmaCae = new Jsma(cae, mask, new JsmaOptions(0.1, 0.5));
        _fgsmMlp = new Fgsm(mlp, mask, new FgsmOptions(0.1));
        _pgdMlp = new Pgd(mlp, mask, new PgdOptions(0.1, Steps: 20, StopOnSuccess: false, Seed: 3));
        _jsmaMlp = new Jsma(mlp, mask, new JsmaOptions(0.1, 0.5));
    }

    [Benchmark]
    public int FgsmSsDeepCae() => _fgsmCae.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;

    [Benchmark]
    public int PgdSsDeepCae() => _pgdCae.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;

    [Benchmark]
    public int JsmaSsDeepCae() => _jsmaCae.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;

    [Benchmark]
    public int FgsmMlp() => _fgsmMlp.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;

    [Benchmark]
    public int PgdMlp() => _pgdMlp.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;

    [Benchmark]
    public int JsmaMlp() => _jsmaMlp.Generate(_x, _y, Rows, AttackGoal.Both).Attacked;
}
