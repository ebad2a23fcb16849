using Xainomaly.Numerics;

namespace Xainomaly.Explanation;

/// <summary>
/// The explainer network φ_fast: d → hidden (ReLU) × L → d, with a hand-fused forward and backward pass over
/// <see cref="Gemm"/> kernels and buffers reused across calls (a tape per step would allocate).
/// Not thread-safe.
/// </summary>
internal sealed class FastShapNetwork
{
    private readonly Dense[] _layers;
    private float[][] _acts = [];
    private float[][] _grads = [];
    private int _capacity;

    public FastShapNetwork(int width, int hiddenLayers, int hiddenWidth, Rng rng)
    {
        Width = width;
        _layers = new Dense[hiddenLayers + 1];
        int inputs = width;
        for (int l = 0; l < hiddenLayers; l++)
        {
            _layers[l] = new Dense(inputs, hiddenWidth, rng);
            inputs = hiddenWidth;
        }
        // Glorot on the output layer keeps the initial φ small, so early losses are dominated by the targets.
        _layers[hiddenLayers] = new Dense(inputs, width, rng, WeightInit.GlorotUniform);
        Parameters = new ParameterCollection();
        foreach (var layer in _layers) layer.AddTo(Parameters);
    }

    public int Width { get; }

    public ParameterCollection Parameters { get; }

    /// <summary>Grows the activation buffers to hold <paramref name="rows"/> rows (no-op when large enough).</summary>
    public void EnsureCapacity(int rows)
    {
        if (rows <= _capacity) return;
        _acts = new float[_layers.Length][];
        _grads = new float[_layers.Length][];
        for (int l = 0; l < _layers.Length; l++)
        {
            _acts[l] = new float[rows * _layers[l].Outputs];
            _grads[l] = new float[rows * _layers[l].Outputs];
        }
        _capacity = rows;
    }

    /// <summary>φ of <paramref name="n"/> rows (≤ capacity); the returned span is valid until the next call.</summary>
    public Span<float> Forward(ReadOnlySpan<float> x, int n)
    {
        ReadOnlySpan<float> input = x[..(n * Width)];
        int last = _layers.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            var layer = _layers[l];
            var y = _acts[l].AsSpan(0, n * layer.Outputs);
            Gemm.Linear(input, layer.Weight.Data, layer.Bias.Data, y, n, layer.Inputs, layer.Outputs, relu: l < last);
            input = y;
        }
        return _acts[last].AsSpan(0, n * Width);
    }

    /// <summary>
    /// Accumulates the parameter gradients of the last <see cref="Forward"/> over the same rows, given ∂L/∂φ in
    /// <paramref name="gradOut"/> (n × d).
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, int n, ReadOnlySpan<float> gradOut)
    {
        int last = _layers.Length - 1;
        ReadOnlySpan<float> dy = gradOut[..(n * Width)];
        for (int l = last; l >= 0; l--)
        {
            var layer = _layers[l];
            ReadOnlySpan<float> input = l == 0 ? x[..(n * Width)] : _acts[l - 1].AsSpan(0, n * layer.Inputs);
            Gemm.MultiplyTransposeA(input, dy, layer.Weight.Grad, layer.Inputs, n, layer.Outputs, accumulate: true);
            var gb = layer.Bias.Grad!;
            for (int r = 0; r < n; r++)
            {
                var row = dy.Slice(r * layer.Outputs, layer.Outputs);
                for (int j = 0; j < row.Length; j++) gb[j] += row[j];
            }
            if (l == 0) break;
            var dx = _grads[l - 1].AsSpan(0, n * layer.Inputs);
            Gemm.MultiplyTransposeB(dy, layer.Weight.Data, dx, n, layer.Outputs, layer.Inputs);
            // ReLU: no gradient through inactive units.
            ReadOnlySpan<float> h = _acts[l - 1].AsSpan(0, n * layer.Inputs);
            for (int i = 0; i < dx.Length; i++) if (h[i] <= 0) dx[i] = 0;
            dy = dx;
        }
    }

    /// <summary>A copy of every parameter value, for restoring the best epoch.</summary>
    public float[][] Snapshot()
    {
        var copy = new float[Parameters.Count][];
        for (int i = 0; i < copy.Length; i++) copy[i] = (float[])Parameters[i].Data.Clone();
        return copy;
    }

    public void Restore(float[][] snapshot)
    {
        for (int i = 0; i < snapshot.Length; i++) snapshot[i].CopyTo(Parameters[i].Data, 0);
    }
}
