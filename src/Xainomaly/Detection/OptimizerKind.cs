namespace Xainomaly.Detection;

/// <summary>The optimiser that trains an SS-DeepCAE network (paper Table III searches all three).</summary>
public enum OptimizerKind
{
    /// <summary>Adam (β₁ 0.9, β₂ 0.999; the paper's choice and the default).</summary>
    Adam,

    /// <summary>Plain stochastic gradient descent, no momentum.</summary>
    Sgd,

    /// <summary>RMSprop (ρ 0.99, ε 1e-8, as PyTorch's defaults).</summary>
    RmsProp,
}
