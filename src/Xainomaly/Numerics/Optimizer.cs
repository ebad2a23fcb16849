namespace Xainomaly.Numerics;

/// <summary>
/// Base of the gradient-descent optimisers: <see cref="Step"/> optionally clips the global gradient norm,
/// applies the update to every parameter and clears the gradients for the next pass.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Binds the optimiser to <paramref name="parameters"/>.</summary>
    protected Optimizer(ParameterCollection parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        Parameters = parameters;
        LearningRate = learningRate;
    }

    /// <summary>The parameters updated.</summary>
    public ParameterCollection Parameters { get; }

    /// <summary>Step size; may be changed between steps (e.g. by a schedule).</summary>
    public float LearningRate { get; set; }

    /// <summary>When set, gradients are rescaled to this global L2 norm before each step if they exceed it.</summary>
    public double? MaxGradientNorm { get; set; }

    /// <summary>Number of steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Applies one update from the accumulated gradients, then zeroes them.</summary>
    public void Step()
    {
        if (MaxGradientNorm is { } max) Parameters.ClipGradientNorm(max);
        Steps++;
        Update();
        Parameters.ZeroGrad();
    }

    /// <summary>Applies the update rule for step <see cref="Steps"/> (1-based) to every parameter.</summary>
    protected abstract void Update();
}
