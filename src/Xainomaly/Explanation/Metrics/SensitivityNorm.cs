namespace Xainomaly.Explanation.Metrics;

/// <summary>The norm whose ε-ball the sensitivity metric samples perturbed rows from.</summary>
public enum SensitivityNorm
{
    /// <summary>Every feature moves by at most ε (uniform in the cube).</summary>
    LInfinity,

    /// <summary>The perturbation's Euclidean length is at most ε (uniform in the ball).</summary>
    L2,
}
