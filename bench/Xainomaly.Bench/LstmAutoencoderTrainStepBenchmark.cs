using BenchmarkDotNet.Attributes;

using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Bench;

/// <summary>
/// One LSTM-AE training step (d = 23, window 4, batch 64: both LSTMs forward and back through time, head BCE,
/// Adam) at the paper's sizes (encoder 256, decoder 512) and at smaller ones, to judge what a label-budget sweep costs.
/// </summary>
[MemoryDiagnoser]
public class LstmAutoencoderTrainStepBenchmark
{
    private const int D = 23, Window = 4, Batch = 64;
    private LstmAutoencoder _net = null!;
    private float[] _x = null!, _y = null!, _w = null!;

    [Params("256/512", "128/256", "64/128")]
    public string Units { get; set; } = "256/512";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Units.Split('/');
        _net = new LstmAutoencoder(D, new LstmAutoencoderOptions
        {
            WindowLength = Window,
            EncoderUnits = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            DecoderUnits = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            Seed = 1,
        });
        var rng = new Rng(2);
        _x = new float[Batch * Window * D];
        _y = new float[Batch];
        _w = new float[Batch];
        for (int i = 0; i < _x.Length; i++) _x[i] = rng.NextSingle();
        for (int i = 0; i < Batch; i++)
        {
            _y[i] = rng.NextInt(2);
            _w[i] = i < 16 ? 1f : 0f;
        }
        for (int s = 0; s < 5; s++) _net.TrainStep(_x, Batch, _y, _w);
    }

    [Benchmark]
    public double TrainStep() => _net.TrainStep(_x, Batch, _y, _w).Total;
}
