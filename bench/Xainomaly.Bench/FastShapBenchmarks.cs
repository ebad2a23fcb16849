using BenchmarkDotNet.Attributes;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// FastSHAP / fastSHAP-C on an SS-DeepCAE trained on valid.csv with 100 labels (seed 1, d = 23 model inputs), explainer
/// fitted with the default options (10-row k-means background) on the training pool. Targets: one row ≤ 10 µs without
/// CS/EM, ≤ 200 µs with CS/EM over n = 32 coalitions, a 10,000-row batch at ≥ 100,000 rows/s (≤ 100 ms), and with CS/EM
/// in a 1,000-row batch ≤ 50 µs per row (the Batch1000 benchmarks report time per row).
/// Set XAINOMALY_BENCH_MODEL and XAINOMALY_BENCH_EXPLAINER to files from 'xainomaly train' / 'fit-explainer' to skip the
/// training in the setup. <see cref="Kernel"/> compares the AVX-512 and the AVX2 GEMM kernels (same bits, different speed).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FastShapBenchmarks
{
    private const int Batch = 10_000;
    private const int ConfidenceBatch = 1_000;
    private const int Coalitions = 32;
    private FastShapExplainer _explainer = null!;
    private float[] _row = null!;
    private double[] _rowD = null!;
    private float[] _rows = null!;
    private float[] _phi = null!;
    private double[] _phiD = null!, _outputs = null!, _gaps = null!, _cs = null!, _em = null!;
    private long _seed;

    /// <summary>GEMM kernels under the detector's forward passes.</summary>
    [Params(KernelChoice.Avx512, KernelChoice.Avx2)]
    public KernelChoice Kernel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        KernelPath.ForceAvx2 = Kernel == KernelChoice.Avx2;
        var table = KpiTableReader.Read(Path.Combine(BenchPaths.Data(), "valid.csv"));
        DetectorModel model;
        ExplainerModel explainer;
        var modelPath = Environment.GetEnvironmentVariable("XAINOMALY_BENCH_MODEL");
        var explainerPath = Environment.GetEnvironmentVariable("XAINOMALY_BENCH_EXPLAINER");
        if (modelPath is not null && explainerPath is not null)
        {
            model = DetectorModel.Load(modelPath);
            explainer = ExplainerModel.Load(explainerPath, model);
        }
        else
        {
            var result = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName), new ExperimentOptions { LabelBudget = 100, Seed = 1 });
            model = result.Model;
            var split = DataSplits.StratifiedTrainTest(table.Labels(), 0.2, 42);
            var pool = model.Inputs(table, out _, split.Train);
            explainer = ExplainerModel.Fit(model, pool, split.Train.Length, new FastShapOptions { Seed = 1 });
        }
        _explainer = explainer.Explainer;
        var x = model.Inputs(table, out _);
        int d = model.Detector.InputWidth;
        _rows = new float[Batch * d];
        for (int i = 0; i < _rows.Length; i++) _rows[i] = x[i % x.Length];
        _row = x.AsSpan(0, d).ToArray();
        _rowD = [.. _row.Select(v => (double)v)];
        _phi = new float[Batch * d];
        _phiD = new double[ConfidenceBatch * d];
        _outputs = new double[ConfidenceBatch];
        _gaps = new double[ConfidenceBatch];
        _cs = new double[ConfidenceBatch];
        _em = new double[ConfidenceBatch];
    }

    [GlobalCleanup]
    public void Cleanup() => KernelPath.ForceAvx2 = false;

    /// <summary>FastSHAP, one row (float fast path: one forward pass, f(x), efficiency normalisation).</summary>
    [Benchmark]
    public float OneRow()
    {
        _explainer.Explain(_row, 1, _phi);
        return _phi[0];
    }

    /// <summary>fastSHAP-C, one row with CS/EM over 32 coalitions on the 10-row k-means background (320 model rows).</summary>
    [Benchmark]
    public double OneRowWithConfidence() => _explainer.ExplainWithConfidence(_rowD, 1, 32, _seed++).ConfidenceScores![0];

    /// <summary>
    /// fastSHAP-C, 1,000 float rows with CS/EM over 32 coalitions each (320,000 model rows in ten value-function chunks);
    /// time per row.
    /// </summary>
    [Benchmark(OperationsPerInvoke = ConfidenceBatch)]
    public double Batch1000WithConfidence() =>
        _explainer.ExplainWithConfidence(_rows.AsSpan(0, ConfidenceBatch * _explainer.Width), ConfidenceBatch, Coalitions, _seed++).ConfidenceScores![^1];

    /// <summary>The same into reused buffers (the service's path: no result arrays per call); time per row.</summary>
    [Benchmark(OperationsPerInvoke = ConfidenceBatch)]
    public double Batch1000WithConfidenceIntoBuffers()
    {
        _explainer.ExplainWithConfidence(_rows.AsSpan(0, ConfidenceBatch * _explainer.Width), ConfidenceBatch, Coalitions, _seed++, _phiD, _outputs, _gaps, _cs, _em);
        return _cs[^1];
    }

    /// <summary>FastSHAP, a 10,000-row batch (float fast path).</summary>
    [Benchmark]
    public float Batch10k()
    {
        _explainer.Explain(_rows, Batch, _phi);
        return _phi[^1];
    }
}
