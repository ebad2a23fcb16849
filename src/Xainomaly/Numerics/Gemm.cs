using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Xainomaly.Numerics;

/// <summary>
/// Dense float32 matrix products over row-major spans: C = A·B, C = A·Bᵀ, C = Aᵀ·B and the fused
/// C = act(A·B + bias). With <c>accumulate</c> the product is added to C instead of overwriting it.
/// On AVX-512 machines register-blocked 16-lane kernels are used (4×64, 8×32 and 8×16 blocks whose last vector is
/// masked), on AVX2/FMA machines a 4×16 kernel (with an 8-wide and a masked 8-wide tail); both accumulate every
/// element with one FMA per step of k in order, so they give the same bits. Otherwise, or when the portable path is
/// forced (<see cref="KernelPath"/>), the same blocking with <see cref="System.Numerics.Vector{T}"/> and separate
/// multiply and add.
/// Spans may be longer than the shapes require; shorter spans raise <see cref="ArgumentException"/>.
/// </summary>
public static unsafe partial class Gemm
{
    // A·Bᵀ transposes B into this per-thread buffer and runs the A·B kernel: B is a small weight matrix
    // in our use, so the transpose is cheap, and row-broadcast kernels are much faster than one dot
    // product (with a horizontal reduction) per output element.
    [ThreadStatic] private static float[]? t_transposed;

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Check(a.Length, (long)m * k, b.Length, (long)k * n, c.Length, (long)m * n, m, k, n);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
            Run(pa, k, 1, pb, n, pc, n, m, k, n, null, accumulate, false);
    }

    /// <summary>Fused dense layer: Y[m×n] = X[m×k] · W[k×n] + bias[n], then max(·, 0) when <paramref name="relu"/>.</summary>
    public static void Linear(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, int m, int k, int n, bool relu)
    {
        Check(x.Length, (long)m * k, w.Length, (long)k * n, y.Length, (long)m * n, m, k, n);
        if (bias.Length < n) throw new ArgumentException($"Bias has {bias.Length} elements, expected at least {n}.", nameof(bias));
        if (m == 0 || n == 0) return;
        fixed (float* px = x, pw = w, pb = bias, py = y)
            Run(px, k, 1, pw, n, py, n, m, k, n, pb, false, relu);
    }

    /// <summary>C[m×n] (+)= A[m×k] · B[n×k]ᵀ.</summary>
    public static void MultiplyTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Check(a.Length, (long)m * k, b.Length, (long)n * k, c.Length, (long)m * n, m, k, n);
        if (m == 0 || n == 0) return;
        int len = k * n;
        float[] bt = t_transposed is { } buf && buf.Length >= len ? buf : (t_transposed = new float[Math.Max(len, 1024)]);
        Transpose(b, bt, n, k);
        fixed (float* pa = a, pb = bt, pc = c)
            Run(pa, k, 1, pb, n, pc, n, m, k, n, null, accumulate, false);
    }

    /// <summary>C[m×n] (+)= A[k×m]ᵀ · B[k×n] (e.g. a weight gradient Xᵀ·dY summed over a batch of k rows).</summary>
    public static void MultiplyTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Check(a.Length, (long)k * m, b.Length, (long)k * n, c.Length, (long)m * n, m, k, n);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
            Run(pa, 1, m, pb, n, pc, n, m, k, n, null, accumulate, false);
    }

    /// <summary>Writes the transpose of the row-major <paramref name="rows"/>×<paramref name="cols"/> matrix <paramref name="src"/> into <paramref name="dst"/>.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols)
            throw new ArgumentException($"Transpose of {rows}×{cols} needs {rows * cols} elements (source {src.Length}, destination {dst.Length}).");
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> row = src.Slice(i * cols, cols);
            for (int j = 0; j < row.Length; j++) dst[(j * rows) + i] = row[j];
        }
    }

    /// <summary>
    /// Gathered product for sparse structured work (e.g. ReLU-masked Jacobians): row r of C (+)=
    /// Σ_p aRows[r][aOffsets[p]] · bRows[p][0..n). Rows of A, B and C are addressed through pointer tables,
    /// so active-unit subsets need no copying. Callers pin the memory.
    /// </summary>
    internal static void GatherMultiply(float** aRows, int* aOffsets, float** bRows, float** cRows, int m, int k, int n, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (!KernelPath.UseAvx2)
        {
            int w = Vector<float>.Count;
            for (int r = 0; r < m; r++)
            {
                float* ar = aRows[r], cr = cRows[r];
                int j = 0;
                for (; j + w <= n; j += w)
                {
                    Vector<float> x0 = accumulate ? Vector.Load(cr + j) : Vector<float>.Zero;
                    for (int p = 0; p < k; p++) x0 += new Vector<float>(ar[aOffsets[p]]) * Vector.Load(bRows[p] + j);
                    Vector.Store(x0, cr + j);
                }
                for (; j < n; j++)
                {
                    float s = accumulate ? cr[j] : 0f;
                    for (int p = 0; p < k; p++) s += ar[aOffsets[p]] * bRows[p][j];
                    cr[j] = s;
                }
            }
            return;
        }
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = aRows[i], a1 = aRows[i + 1], a2 = aRows[i + 2], a3 = aRows[i + 3];
            float* c0 = cRows[i], c1 = cRows[i + 1], c2 = cRows[i + 2], c3 = cRows[i + 3];
            int j = 0;
            for (; j + 16 <= n; j += 16)
            {
                Vector256<float> x00 = Init8(c0 + j, null, accumulate), x01 = Init8(c0 + j + 8, null, accumulate);
                Vector256<float> x10 = Init8(c1 + j, null, accumulate), x11 = Init8(c1 + j + 8, null, accumulate);
                Vector256<float> x20 = Init8(c2 + j, null, accumulate), x21 = Init8(c2 + j + 8, null, accumulate);
                Vector256<float> x30 = Init8(c3 + j, null, accumulate), x31 = Init8(c3 + j + 8, null, accumulate);
                for (int p = 0; p < k; p++)
                {
                    float* b = bRows[p] + j;
                    int off = aOffsets[p];
                    Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
                    Vector256<float> s = Vector256.Create(a0[off]);
                    x00 = Fma.MultiplyAdd(s, b0, x00); x01 = Fma.MultiplyAdd(s, b1, x01);
                    s = Vector256.Create(a1[off]);
                    x10 = Fma.MultiplyAdd(s, b0, x10); x11 = Fma.MultiplyAdd(s, b1, x11);
                    s = Vector256.Create(a2[off]);
                    x20 = Fma.MultiplyAdd(s, b0, x20); x21 = Fma.MultiplyAdd(s, b1, x21);
                    s = Vector256.Create(a3[off]);
                    x30 = Fma.MultiplyAdd(s, b0, x30); x31 = Fma.MultiplyAdd(s, b1, x31);
                }
                Avx.Store(c0 + j, x00); Avx.Store(c0 + j + 8, x01);
                Avx.Store(c1 + j, x10); Avx.Store(c1 + j + 8, x11);
                Avx.Store(c2 + j, x20); Avx.Store(c2 + j + 8, x21);
                Avx.Store(c3 + j, x30); Avx.Store(c3 + j + 8, x31);
            }
            for (; j + 4 <= n; j += 4)
            {
                Vector128<float> x0 = accumulate ? Sse.LoadVector128(c0 + j) : Vector128<float>.Zero;
                Vector128<float> x1 = accumulate ? Sse.LoadVector128(c1 + j) : Vector128<float>.Zero;
                Vector128<float> x2 = accumulate ? Sse.LoadVector128(c2 + j) : Vector128<float>.Zero;
                Vector128<float> x3 = accumulate ? Sse.LoadVector128(c3 + j) : Vector128<float>.Zero;
                for (int p = 0; p < k; p++)
                {
                    Vector128<float> b0 = Sse.LoadVector128(bRows[p] + j);
                    int off = aOffsets[p];
                    x0 = Fma.MultiplyAdd(Vector128.Create(a0[off]), b0, x0);
                    x1 = Fma.MultiplyAdd(Vector128.Create(a1[off]), b0, x1);
                    x2 = Fma.MultiplyAdd(Vector128.Create(a2[off]), b0, x2);
                    x3 = Fma.MultiplyAdd(Vector128.Create(a3[off]), b0, x3);
                }
                Sse.Store(c0 + j, x0); Sse.Store(c1 + j, x1); Sse.Store(c2 + j, x2); Sse.Store(c3 + j, x3);
            }
            for (; j < n; j++)
            {
                GatherCell(a0, aOffsets, bRows, j, c0 + j, k, accumulate);
                GatherCell(a1, aOffsets, bRows, j, c1 + j, k, accumulate);
                GatherCell(a2, aOffsets, bRows, j, c2 + j, k, accumulate);
                GatherCell(a3, aOffsets, bRows, j, c3 + j, k, accumulate);
            }
        }
        for (; i < m; i++)
        {
            float* a0 = aRows[i], c0 = cRows[i];
            int j = 0;
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> x0 = Init8(c0 + j, null, accumulate);
                for (int p = 0; p < k; p++) x0 = Fma.MultiplyAdd(Vector256.Create(a0[aOffsets[p]]), Avx.LoadVector256(bRows[p] + j), x0);
                Avx.Store(c0 + j, x0);
            }
            for (; j < n; j++) GatherCell(a0, aOffsets, bRows, j, c0 + j, k, accumulate);
        }
    }

    /// <summary>
    /// Safe form of the gathered product over arrays, with rows given as start indices: row r of C (at
    /// cRowStarts[r]) (+)= Σ_p a[aRowStarts[r] + aOffsets[p]] · b[bRowStarts[p] .. + n).
    /// </summary>
    internal static void GatherMultiply(float[] a, int[] aRowStarts, int[] aOffsets, float[] b, int[] bRowStarts, float[] c, int[] cRowStarts, int m, int k, int n, bool accumulate)
    {
        for (int r = 0; r < m; r++)
        {
            if (cRowStarts[r] < 0 || cRowStarts[r] + n > c.Length) throw new ArgumentOutOfRangeException(nameof(cRowStarts), $"Row {r} of C is outside the array.");
            for (int p = 0; p < k; p++)
            {
                if ((uint)(aRowStarts[r] + aOffsets[p]) >= (uint)a.Length) throw new ArgumentOutOfRangeException(nameof(aOffsets), $"Element ({r}, {p}) of A is outside the array.");
            }
        }
        for (int p = 0; p < k; p++)
        {
            if (bRowStarts[p] < 0 || bRowStarts[p] + n > b.Length) throw new ArgumentOutOfRangeException(nameof(bRowStarts), $"Row {p} of B is outside the array.");
        }
        var aRows = new nint[m];
        var bRows = new nint[k];
        var cRows = new nint[m];
        fixed (float* pa = a, pb = b, pc = c)
        fixed (int* po = aOffsets)
        fixed (nint* ar = aRows, br = bRows, cr = cRows)
        {
            for (int r = 0; r < m; r++)
            {
                ar[r] = (nint)(pa + aRowStarts[r]);
                cr[r] = (nint)(pc + cRowStarts[r]);
            }
            for (int p = 0; p < k; p++) br[p] = (nint)(pb + bRowStarts[p]);
            GatherMultiply((float**)ar, po, (float**)br, (float**)cr, m, k, n, accumulate);
        }
    }

    private static void GatherCell(float* a, int* aOffsets, float** bRows, int j, float* c, int k, bool accumulate)
    {
        float s = accumulate ? *c : 0f;
        for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[aOffsets[p]], bRows[p][j], s);
        *c = s;
    }

    private static void Check(int aLen, long aNeed, int bLen, long bNeed, int cLen, long cNeed, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(m), $"Shapes must be non-negative (m={m}, k={k}, n={n}).");
        if (aLen < aNeed) throw new ArgumentException($"A has {aLen} elements, the shape (m={m}, k={k}) needs {aNeed}.");
        if (bLen < bNeed) throw new ArgumentException($"B has {bLen} elements, the shape (k={k}, n={n}) needs {bNeed}.");
        if (cLen < cNeed) throw new ArgumentException($"C has {cLen} elements, the shape (m={m}, n={n}) needs {cNeed}.");
    }

    // The portable kernel: the same 4-row register blocking with Vector<T> (any width) and separate
    // multiply and add, so it runs unchanged on machines without FMA (and on ARM).
    private static void PortableBlocked(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int m, int k, int n, float* bias, bool accumulate, bool relu)
    {
        int w = Vector<float>.Count;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + ((nint)i * ars), a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            float* c0 = c + ((nint)i * ldc), c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int j = 0;
            for (; j + w <= n; j += w)
            {
                Vector<float> init = bias != null ? Vector.Load(bias + j) : Vector<float>.Zero;
                Vector<float> x0 = accumulate ? Vector.Load(c0 + j) : init, x1 = accumulate ? Vector.Load(c1 + j) : init;
                Vector<float> x2 = accumulate ? Vector.Load(c2 + j) : init, x3 = accumulate ? Vector.Load(c3 + j) : init;
                float* bp = b + j;
                nint off = 0;
                for (int p = 0; p < k; p++, off += aks, bp += ldb)
                {
                    Vector<float> bv = Vector.Load(bp);
                    x0 += new Vector<float>(a0[off]) * bv;
                    x1 += new Vector<float>(a1[off]) * bv;
                    x2 += new Vector<float>(a2[off]) * bv;
                    x3 += new Vector<float>(a3[off]) * bv;
                }
                if (relu)
                {
                    x0 = Vector.Max(x0, Vector<float>.Zero); x1 = Vector.Max(x1, Vector<float>.Zero);
                    x2 = Vector.Max(x2, Vector<float>.Zero); x3 = Vector.Max(x3, Vector<float>.Zero);
                }
                Vector.Store(x0, c0 + j); Vector.Store(x1, c1 + j); Vector.Store(x2, c2 + j); Vector.Store(x3, c3 + j);
            }
            for (; j < n; j++)
            {
                PortableCell(a0, aks, b + j, ldb, c0 + j, k, bias == null ? null : bias + j, accumulate, relu);
                PortableCell(a1, aks, b + j, ldb, c1 + j, k, bias == null ? null : bias + j, accumulate, relu);
                PortableCell(a2, aks, b + j, ldb, c2 + j, k, bias == null ? null : bias + j, accumulate, relu);
                PortableCell(a3, aks, b + j, ldb, c3 + j, k, bias == null ? null : bias + j, accumulate, relu);
            }
        }
        for (; i < m; i++)
        {
            float* ai = a + ((nint)i * ars), ci = c + ((nint)i * ldc);
            int j = 0;
            for (; j + w <= n; j += w)
            {
                Vector<float> x0 = accumulate ? Vector.Load(ci + j) : bias != null ? Vector.Load(bias + j) : Vector<float>.Zero;
                float* bp = b + j;
                nint off = 0;
                for (int p = 0; p < k; p++, off += aks, bp += ldb) x0 += new Vector<float>(ai[off]) * Vector.Load(bp);
                Vector.Store(relu ? Vector.Max(x0, Vector<float>.Zero) : x0, ci + j);
            }
            for (; j < n; j++) PortableCell(ai, aks, b + j, ldb, ci + j, k, bias == null ? null : bias + j, accumulate, relu);
        }
    }

    private static void PortableCell(float* a, int aks, float* b, int ldb, float* c, int k, float* bias, bool accumulate, bool relu)
    {
        float s = accumulate ? *c : bias != null ? *bias : 0f;
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb) s += a[off] * *b;
        *c = relu ? MathF.Max(s, 0f) : s;
    }

    // The kernel family is chosen per call (a few volatile reads), so tests and benchmarks can switch paths.
    private static void Run(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int m, int k, int n, float* bias, bool accumulate, bool relu)
    {
        switch (KernelPath.Current)
        {
            case GemmKernel.Avx512:
                Avx512Blocked(a, ars, aks, b, ldb, c, ldc, m, k, n, bias, accumulate, relu);
                break;
            case GemmKernel.Avx2:
                Avx2Blocked(a, ars, aks, b, ldb, c, ldc, m, k, n, bias, accumulate, relu);
                break;
            default:
                PortableBlocked(a, ars, aks, b, ldb, c, ldc, m, k, n, bias, accumulate, relu);
                break;
        }
    }

    // A element (r, p) lives at a[r*ars + p*aks]: (ars, aks) = (k, 1) for A, (1, m) for Aᵀ.
    private static void Avx2Blocked(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int m, int k, int n, float* bias, bool accumulate, bool relu)
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* ai = a + ((nint)i * ars);
            float* ci = c + ((nint)i * ldc);
            int j = 0;
            for (; j + 16 <= n; j += 16) Block4x16(ai, ars, aks, b + j, ldb, ci + j, ldc, k, bias == null ? null : bias + j, accumulate, relu);
            for (; j + 8 <= n; j += 8) Block4x8(ai, ars, aks, b + j, ldb, ci + j, ldc, k, bias == null ? null : bias + j, accumulate, relu);
            // The last 1–7 columns in one masked 8-wide block: a layer of width 23 (= 16 + 7) would otherwise spend as
            // long in scalar cells (strided loads of B) as in all its vector blocks. Same FMA order, so the same bits.
            if (j < n) Block4x8Masked(ai, ars, aks, b + j, ldb, ci + j, ldc, k, bias == null ? null : bias + j, accumulate, relu, n - j);
        }
        for (; i < m; i++)
        {
            float* ai = a + ((nint)i * ars);
            float* ci = c + ((nint)i * ldc);
            int j = 0;
            for (; j + 16 <= n; j += 16) Block1x16(ai, aks, b + j, ldb, ci + j, k, bias == null ? null : bias + j, accumulate, relu);
            for (; j + 8 <= n; j += 8) Block1x8(ai, aks, b + j, ldb, ci + j, k, bias == null ? null : bias + j, accumulate, relu);
            if (j < n) Block1x8Masked(ai, aks, b + j, ldb, ci + j, k, bias == null ? null : bias + j, accumulate, relu, n - j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Init8(float* c, float* bias, bool accumulate) =>
        accumulate ? Avx.LoadVector256(c) : bias != null ? Avx.LoadVector256(bias) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* c, Vector256<float> v, bool relu) =>
        Avx.Store(c, relu ? Avx.Max(v, Vector256<float>.Zero) : v);

    private static void Block4x16(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu)
    {
        float* c0 = c, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector256<float> x00 = Init8(c0, bias, accumulate), x01 = Init8(c0 + 8, bias == null ? null : bias + 8, accumulate);
        Vector256<float> x10 = Init8(c1, bias, accumulate), x11 = Init8(c1 + 8, bias == null ? null : bias + 8, accumulate);
        Vector256<float> x20 = Init8(c2, bias, accumulate), x21 = Init8(c2 + 8, bias == null ? null : bias + 8, accumulate);
        Vector256<float> x30 = Init8(c3, bias, accumulate), x31 = Init8(c3 + 8, bias == null ? null : bias + 8, accumulate);
        float* a0 = a, a1 = a + ars, a2 = a1 + ars, a3 = a2 + ars;
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
            Vector256<float> s = Vector256.Create(a0[off]);
            x00 = Fma.MultiplyAdd(s, b0, x00); x01 = Fma.MultiplyAdd(s, b1, x01);
            s = Vector256.Create(a1[off]);
            x10 = Fma.MultiplyAdd(s, b0, x10); x11 = Fma.MultiplyAdd(s, b1, x11);
            s = Vector256.Create(a2[off]);
            x20 = Fma.MultiplyAdd(s, b0, x20); x21 = Fma.MultiplyAdd(s, b1, x21);
            s = Vector256.Create(a3[off]);
            x30 = Fma.MultiplyAdd(s, b0, x30); x31 = Fma.MultiplyAdd(s, b1, x31);
        }
        Store8(c0, x00, relu); Store8(c0 + 8, x01, relu);
        Store8(c1, x10, relu); Store8(c1 + 8, x11, relu);
        Store8(c2, x20, relu); Store8(c2 + 8, x21, relu);
        Store8(c3, x30, relu); Store8(c3 + 8, x31, relu);
    }

    private static void Block4x8(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu)
    {
        float* c0 = c, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector256<float> x0 = Init8(c0, bias, accumulate), x1 = Init8(c1, bias, accumulate);
        Vector256<float> x2 = Init8(c2, bias, accumulate), x3 = Init8(c3, bias, accumulate);
        float* a0 = a, a1 = a + ars, a2 = a1 + ars, a3 = a2 + ars;
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector256<float> b0 = Avx.LoadVector256(b);
            x0 = Fma.MultiplyAdd(Vector256.Create(a0[off]), b0, x0);
            x1 = Fma.MultiplyAdd(Vector256.Create(a1[off]), b0, x1);
            x2 = Fma.MultiplyAdd(Vector256.Create(a2[off]), b0, x2);
            x3 = Fma.MultiplyAdd(Vector256.Create(a3[off]), b0, x3);
        }
        Store8(c0, x0, relu); Store8(c1, x1, relu); Store8(c2, x2, relu); Store8(c3, x3, relu);
    }

    private static void Block1x16(float* a, int aks, float* b, int ldb, float* c, int k, float* bias, bool accumulate, bool relu)
    {
        Vector256<float> x0 = Init8(c, bias, accumulate), x1 = Init8(c + 8, bias == null ? null : bias + 8, accumulate);
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector256<float> s = Vector256.Create(a[off]);
            x0 = Fma.MultiplyAdd(s, Avx.LoadVector256(b), x0);
            x1 = Fma.MultiplyAdd(s, Avx.LoadVector256(b + 8), x1);
        }
        Store8(c, x0, relu); Store8(c + 8, x1, relu);
    }

    private static void Block1x8(float* a, int aks, float* b, int ldb, float* c, int k, float* bias, bool accumulate, bool relu)
    {
        Vector256<float> x0 = Init8(c, bias, accumulate);
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
            x0 = Fma.MultiplyAdd(Vector256.Create(a[off]), Avx.LoadVector256(b), x0);
        Store8(c, x0, relu);
    }

    // Lanes 0..count-1 of an 8-wide mask (all bits set selects a lane for MaskLoad/MaskStore).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Mask8(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Init8Masked(float* c, float* bias, bool accumulate, Vector256<float> mask) =>
        accumulate ? Avx.MaskLoad(c, mask) : bias != null ? Avx.MaskLoad(bias, mask) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8Masked(float* c, Vector256<float> v, bool relu, Vector256<float> mask) =>
        Avx.MaskStore(c, mask, relu ? Avx.Max(v, Vector256<float>.Zero) : v);

    // Masked loads never touch the lanes beyond the matrix, so reading B's last row or C's last row is safe.
    private static void Block4x8Masked(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
    {
        var mask = Mask8(count);
        float* c0 = c, c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        Vector256<float> x0 = Init8Masked(c0, bias, accumulate, mask), x1 = Init8Masked(c1, bias, accumulate, mask);
        Vector256<float> x2 = Init8Masked(c2, bias, accumulate, mask), x3 = Init8Masked(c3, bias, accumulate, mask);
        float* a0 = a, a1 = a + ars, a2 = a1 + ars, a3 = a2 + ars;
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector256<float> b0 = Avx.MaskLoad(b, mask);
            x0 = Fma.MultiplyAdd(Vector256.Create(a0[off]), b0, x0);
            x1 = Fma.MultiplyAdd(Vector256.Create(a1[off]), b0, x1);
            x2 = Fma.MultiplyAdd(Vector256.Create(a2[off]), b0, x2);
            x3 = Fma.MultiplyAdd(Vector256.Create(a3[off]), b0, x3);
        }
        Store8Masked(c0, x0, relu, mask); Store8Masked(c1, x1, relu, mask);
        Store8Masked(c2, x2, relu, mask); Store8Masked(c3, x3, relu, mask);
    }

    private static void Block1x8Masked(float* a, int aks, float* b, int ldb, float* c, int k, float* bias, bool accumulate, bool relu, int count)
    {
        var mask = Mask8(count);
        Vector256<float> x0 = Init8Masked(c, bias, accumulate, mask);
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
            x0 = Fma.MultiplyAdd(Vector256.Create(a[off]), Avx.MaskLoad(b, mask), x0);
        Store8Masked(c, x0, relu, mask);
    }
}
