namespace Xainomaly.Detection;

/// <summary>The reconstruction term of the SS-DeepCAE training loss (paper Table III searches all three).</summary>
public enum ReconstructionLoss
{
    /// <summary>Σⱼ (x̂ⱼ − xⱼ)² per row (the paper's choice and the default).</summary>
    Mse,

    /// <summary>Σⱼ |x̂ⱼ − xⱼ| per row.</summary>
    Mae,

    /// <summary>Σⱼ 2|x̂ⱼ − xⱼ| / (|x̂ⱼ| + |xⱼ| + ε) per row, ε = <see cref="Numerics.Tape.SmapeEpsilon"/>.</summary>
    Smape,
}
