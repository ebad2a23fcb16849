using System.Numerics.Tensors;

namespace Xainomaly.Numerics;

/// <summary>
/// Stochastic gradient descent with optional (heavy-ball) momentum in the PyTorch form:
/// b ← μb + g (b₁ = g), θ ← θ − lr·b; with μ = 0 it is plain SGD.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][] _velocity;

    /// <summary>Creates the optimiser.</summary>
    public Sgd(ParameterCollection parameters, float learningRate = 1e-2f, float momentum = 0f)
        : base(parameters, learningRate)
    {
        if (momentum is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        Momentum = momentum;
        _velocity = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++) _velocity[i] = new float[parameters[i].Length];
    }

    /// <summary>Momentum μ.</summary>
    public float Momentum { get; }

    /// <inheritdoc />
    protected override void Update()
    {
        for (int p = 0; p < _velocity.Length; p++)
        {
            float[] w = Parameters[p].Data, g = Parameters[p].Grad!, b = _velocity[p];
            if (Momentum == 0f)
            {
                TensorPrimitives.MultiplyAdd(g, -LearningRate, w, w);
                continue;
            }
            if (Steps == 1) g.CopyTo(b, 0);
            else TensorPrimitives.MultiplyAdd(b, Momentum, g, b);
            TensorPrimitives.MultiplyAdd(b, -LearningRate, w, w);
        }
    }
}
