namespace Xainomaly.Bench;

/// <summary>Kernel path selected for a benchmark run.</summary>
public enum KernelChoice
{
    /// <summary>AVX2/FMA register-blocked kernels.</summary>
    Avx2,

    /// <summary>The portable TensorPrimitives path.</summary>
    Portable,
}
