namespace Xainomaly.Bench;

/// <summary>Kernel path selected for a benchmark run.</summary>
public enum KernelChoice
{
    /// <summary>AVX2/FMA register-blocked kernels (8 lanes), forced even where AVX-512 is available.</summary>
    Avx2,

    /// <summary>The portable TensorPrimitives path.</summary>
    Portable,

    /// <summary>The AVX-512 kernels (16 lanes); the AVX2 ones on machines without AVX-512.</summary>
    Avx512,
}
