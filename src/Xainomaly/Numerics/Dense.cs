namespace Xainomaly.Numerics;

/// <summary>
/// Fully connected layer y = x·W + b. The weight is stored <b>in×out</b> (row-major, one row per input
/// unit) so that a batch (rows = samples) multiplies it without a transpose; the bias is 1×out.
/// </summary>
public sealed class Dense
{
    /// <summary>Creates a layer with weights drawn from <paramref name="rng"/> and zero bias.</summary>
    public Dense(int inputs, int outputs, Rng rng, WeightInit init = WeightInit.HeNormal)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentOutOfRangeException(nameof(inputs), $"Dense layer {inputs}→{outputs} needs positive widths.");
        ArgumentNullException.ThrowIfNull(rng);
        Inputs = inputs;
        Outputs = outputs;
        Weight = new Tensor(inputs, outputs, requiresGrad: true);
        Bias = new Tensor(1, outputs, requiresGrad: true);
        float[] w = Weight.Data;
        switch (init)
        {
            case WeightInit.HeNormal:
                double std = Math.Sqrt(2.0 / inputs);
                for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextGaussian() * std);
                break;
            case WeightInit.GlorotUniform:
                double limit = Math.Sqrt(6.0 / (inputs + outputs));
                for (int i = 0; i < w.Length; i++) w[i] = (float)rng.Uniform(-limit, limit);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Outputs { get; }

    /// <summary>Weight, in×out.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias, 1×out.</summary>
    public Tensor Bias { get; }

    /// <summary>Number of trainable scalars (in·out + out).</summary>
    public int ParameterCount => Weight.Length + Bias.Length;

    /// <summary>Records y = x·W + b on <paramref name="tape"/>.</summary>
    public Tensor Forward(Tape tape, Tensor x) => tape.AddBias(tape.MatMul(x, Weight), Bias);

    /// <summary>Adds this layer's weight and bias to <paramref name="parameters"/>.</summary>
    public void AddTo(ParameterCollection parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(Weight);
        parameters.Add(Bias);
    }
}
