namespace Xainomaly.Numerics;

/// <summary>How a <see cref="Dense"/> layer draws its initial weights (biases start at zero).</summary>
public enum WeightInit
{
    /// <summary>He (Kaiming) normal, N(0, 2/in): keeps activation variance stable through ReLU layers.</summary>
    HeNormal,

    /// <summary>Glorot (Xavier) uniform, U(±√(6/(in + out))): for linear, sigmoid and tanh layers.</summary>
    GlorotUniform,
}
