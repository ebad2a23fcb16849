using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// A chain of <see cref="Dense"/> layers with a per-layer ReLU flag: the building block of the autoencoder baselines,
/// SLA-VAE and the MLP. It trains through a <see cref="Tape"/> and infers through the fused <see cref="Gemm.Linear"/>
/// kernel with caller-owned buffers.
/// </summary>
/// <remarks>
/// Besides the trainable weights it keeps gradient-free views of the same arrays: input gradients recorded on a tape
/// over those views need no weight gradients, so they neither waste work on them nor race on the shared gradient
/// buffers when blocks run in parallel.
/// </remarks>
internal sealed class DenseStack
{
    private readonly Tensor[] _frozenW;
    private readonly Tensor[] _frozenB;

    /// <summary>Layers widths[0] → widths[1] → … → widths[^1]; ReLU layers start He-normal, linear ones Glorot-uniform.</summary>
    public DenseStack(int[] widths, bool[] relu, Rng rng)
    {
        if (widths.Length < 2 || relu.Length != widths.Length - 1)
            throw new ArgumentException($"A stack of {relu.Length} layers needs {relu.Length + 1} widths, got {widths.Length}.");
        Widths = (int[])widths.Clone();
        Relu = (bool[])relu.Clone();
        Layers = new Dense[relu.Length];
        _frozenW = new Tensor[relu.Length];
        _frozenB = new Tensor[relu.Length];
        for (int l = 0; l < Layers.Length; l++)
        {
            var layer = new Dense(widths[l], widths[l + 1], rng, relu[l] ? WeightInit.HeNormal : WeightInit.GlorotUniform);
            Layers[l] = layer;
            _frozenW[l] = new Tensor(layer.Weight.Data, layer.Weight.Rows, layer.Weight.Cols);
            _frozenB[l] = new Tensor(layer.Bias.Data, layer.Bias.Rows, layer.Bias.Cols);
        }
        int max = 0;
        foreach (int w in widths) max = Math.Max(max, w);
        MaxWidth = max;
    }

    /// <summary>Unit counts, input first.</summary>
    public int[] Widths { get; }

    /// <summary>ReLU after layer l.</summary>
    public bool[] Relu { get; }

    /// <summary>The layers, input to output.</summary>
    public Dense[] Layers { get; }

    /// <summary>Input width.</summary>
    public int Inputs => Widths[0];

    /// <summary>Output width.</summary>
    public int Outputs => Widths[^1];

    /// <summary>Widest layer, input included.</summary>
    public int MaxWidth { get; }

    /// <summary>Trainable scalars.</summary>
    public int ParameterCount
    {
        get
        {
            int n = 0;
            foreach (Dense l in Layers) n += l.ParameterCount;
            return n;
        }
    }

    /// <summary>Adds every layer's weight and bias, in order.</summary>
    public void AddTo(ParameterCollection parameters)
    {
        foreach (Dense l in Layers) l.AddTo(parameters);
    }

    /// <summary>
    /// Records the stack on <paramref name="tape"/>. <paramref name="frozen"/> uses the gradient-free weight views
    /// (input gradients only). A positive <paramref name="dropout"/> drops units after every hidden ReLU layer.
    /// </summary>
    public Tensor Forward(Tape tape, Tensor x, bool frozen, float dropout = 0f, Rng? rng = null)
    {
        Tensor h = x;
        for (int l = 0; l < Layers.Length; l++)
        {
            Tensor w = frozen ? _frozenW[l] : Layers[l].Weight;
            Tensor b = frozen ? _frozenB[l] : Layers[l].Bias;
            h = tape.AddBias(tape.MatMul(h, w), b);
            if (Relu[l])
            {
                h = tape.Relu(h);
                if (dropout > 0f && l < Layers.Length - 1) h = tape.Dropout(h, dropout, rng!);
            }
        }
        return h;
    }

    /// <summary>
    /// Inference on <paramref name="n"/> rows into <paramref name="output"/> (n × <see cref="Outputs"/>), using the
    /// two scratch buffers (each at least n × <see cref="MaxWidth"/>) for the hidden layers.
    /// </summary>
    public void Infer(ReadOnlySpan<float> x, int n, float[] scratchA, float[] scratchB, Span<float> output)
    {
        ReadOnlySpan<float> input = x[..(n * Inputs)];
        float[] next = scratchA;
        for (int l = 0; l < Layers.Length; l++)
        {
            int fin = Widths[l], fout = Widths[l + 1];
            Span<float> y = l == Layers.Length - 1 ? output[..(n * fout)] : next.AsSpan(0, n * fout);
            Gemm.Linear(input, Layers[l].Weight.Data, Layers[l].Bias.Data, y, n, fin, fout, Relu[l]);
            input = y;
            next = next == scratchA ? scratchB : scratchA;
        }
    }
}
