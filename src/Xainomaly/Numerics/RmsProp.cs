namespace Xainomaly.Numerics;

/// <summary>
/// RMSProp (Hinton 2012) in the PyTorch form without centring: s ← ρs + (1−ρ)g²,
/// θ ← θ − lr · g / (√s + ε). Defaults ρ = 0.99, ε = 1e-8.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[][] _square;

    /// <summary>Creates the optimiser.</summary>
    public RmsProp(ParameterCollection parameters, float learningRate = 1e-2f, float rho = 0.99f, float epsilon = 1e-8f)
        : base(parameters, learningRate)
    {
        if (rho is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(rho), rho, "ρ must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        Rho = rho;
        Epsilon = epsilon;
        _square = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++) _square[i] = new float[parameters[i].Length];
    }

    /// <summary>Decay ρ of the running mean of squared gradients.</summary>
    public float Rho { get; }

    /// <summary>ε added to the root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    protected override void Update()
    {
        float c = 1f - Rho;
        for (int p = 0; p < _square.Length; p++)
        {
            float[] w = Parameters[p].Data, g = Parameters[p].Grad!, s = _square[p];
            for (int i = 0; i < w.Length; i++)
            {
                float si = (Rho * s[i]) + (c * g[i] * g[i]);
                s[i] = si;
                w[i] -= LearningRate * g[i] / (MathF.Sqrt(si) + Epsilon);
            }
        }
    }
}
