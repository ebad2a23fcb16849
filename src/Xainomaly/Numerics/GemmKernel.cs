namespace Xainomaly.Numerics;

/// <summary>The kernel family a <see cref="Gemm"/> call runs on (see <see cref="KernelPath"/>).</summary>
internal enum GemmKernel
{
    /// <summary><c>Vector&lt;T&gt;</c> with separate multiply and add.</summary>
    Portable,

    /// <summary>AVX2/FMA, 8 lanes.</summary>
    Avx2,

    /// <summary>AVX-512F, 16 lanes.</summary>
    Avx512,
}
