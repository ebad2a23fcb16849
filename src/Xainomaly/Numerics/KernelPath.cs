using System.Runtime.Intrinsics.X86;

namespace Xainomaly.Numerics;

/// <summary>
/// Chooses between the AVX-512F kernels, the AVX2/FMA register-blocked kernels and the portable path
/// (<see cref="System.Numerics.Tensors.TensorPrimitives"/> and <c>Vector&lt;T&gt;</c>). The widest supported
/// path is used automatically (detected once); the portable path can be forced for tests and benchmarks. The
/// AVX-512 and AVX2 kernels give the same bits (one FMA per step of k, in order), so the choice only changes speed.
/// </summary>
public static class KernelPath
{
    private const int NoScope = 0, PortableOnly = 1, Avx2Only = 2;

    private static readonly AsyncLocal<int> s_scoped = new();
    private static volatile bool s_forcePortable;
    private static volatile bool s_forceAvx2;
    private static int s_activeScopes;

    /// <summary>True when the CPU supports both AVX2 and FMA.</summary>
    public static bool IsAvx2Supported { get; } = Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when the CPU (and runtime) supports AVX-512F as well as AVX2 and FMA.</summary>
    public static bool IsAvx512Supported { get; } = IsAvx2Supported && Avx512F.IsSupported;

    /// <summary>
    /// Forces the portable path process-wide even where AVX2/FMA is available (benchmarks). Tests that
    /// run beside others should use <see cref="PortableScope"/> instead, which affects only their own flow.
    /// </summary>
    public static bool ForcePortable
    {
        get => s_forcePortable;
        set => s_forcePortable = value;
    }

    /// <summary>True when FMA vector kernels (AVX2, or AVX-512 where supported) are in use on the current flow.</summary>
    public static bool UseAvx2 => Current != GemmKernel.Portable;

    /// <summary>True when the AVX-512 kernels are in use on the current flow.</summary>
    public static bool UseAvx512 => Current == GemmKernel.Avx512;

    /// <summary>
    /// Forces the AVX2 kernels process-wide where AVX-512 is available (benchmarks comparing the two paths).
    /// </summary>
    internal static bool ForceAvx2
    {
        get => s_forceAvx2;
        set => s_forceAvx2 = value;
    }

    /// <summary>The kernel family for the current flow.</summary>
    internal static GemmKernel Current
    {
        get
        {
            if (!IsAvx2Supported || s_forcePortable) return GemmKernel.Portable;
            int scope = Volatile.Read(ref s_activeScopes) == 0 ? NoScope : s_scoped.Value;
            if (scope == PortableOnly) return GemmKernel.Portable;
            return IsAvx512Supported && !s_forceAvx2 && scope != Avx2Only ? GemmKernel.Avx512 : GemmKernel.Avx2;
        }
    }

    /// <summary>
    /// Forces the portable path for the current thread and the tasks it starts (an async-local switch),
    /// until the returned scope is disposed.
    /// </summary>
    public static IDisposable PortableScope() => Enter(PortableOnly);

    /// <summary>
    /// Forces the AVX2 kernels (where AVX2/FMA is supported) for the current flow until disposed, so tests can compare
    /// them with the AVX-512 kernels bit for bit.
    /// </summary>
    internal static IDisposable Avx2Scope() => Enter(Avx2Only);

    private static Scope Enter(int kind)
    {
        int previous = s_scoped.Value;
        Interlocked.Increment(ref s_activeScopes);
        s_scoped.Value = kind;
        return new Scope(previous);
    }

    private sealed class Scope(int previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_scoped.Value = previous;
            Interlocked.Decrement(ref s_activeScopes);
        }
    }
}
