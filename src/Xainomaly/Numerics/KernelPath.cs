using System.Runtime.Intrinsics.X86;

namespace Xainomaly.Numerics;

/// <summary>
/// Chooses between the AVX2/FMA register-blocked kernels and the portable path
/// (<see cref="System.Numerics.Tensors.TensorPrimitives"/> and <c>Vector&lt;T&gt;</c>). The portable path is
/// used automatically on machines without AVX2 and FMA, and can be forced for tests and benchmarks.
/// </summary>
public static class KernelPath
{
    private static readonly AsyncLocal<bool> s_scopedPortable = new();
    private static volatile bool s_forcePortable;
    private static int s_activeScopes;

    /// <summary>True when the CPU supports both AVX2 and FMA.</summary>
    public static bool IsAvx2Supported { get; } = Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// Forces the portable path process-wide even where AVX2/FMA is available (benchmarks). Tests that
    /// run beside others should use <see cref="PortableScope"/> instead, which affects only their own flow.
    /// </summary>
    public static bool ForcePortable
    {
        get => s_forcePortable;
        set => s_forcePortable = value;
    }

    /// <summary>True when the AVX2/FMA kernels are in use on the current flow.</summary>
    public static bool UseAvx2 =>
        IsAvx2Supported && !s_forcePortable && (Volatile.Read(ref s_activeScopes) == 0 || !s_scopedPortable.Value);

    /// <summary>
    /// Forces the portable path for the current thread and the tasks it starts (an async-local switch),
    /// until the returned scope is disposed.
    /// </summary>
    public static IDisposable PortableScope()
    {
        bool previous = s_scopedPortable.Value;
        Interlocked.Increment(ref s_activeScopes);
        s_scopedPortable.Value = true;
        return new Scope(previous);
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_scopedPortable.Value = previous;
            Interlocked.Decrement(ref s_activeScopes);
        }
    }
}
