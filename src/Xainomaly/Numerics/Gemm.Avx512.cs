using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Xainomaly.Numerics;

// The AVX-512F kernels of Gemm: 16 lanes, and 32 vector registers so that 16 accumulators stay in registers.
public static unsafe partial class Gemm
{
    // Row count of a block as a type argument: the JIT compiles one body per count with the unused rows' code
    // removed, so one source serves the full 8-row (or 4-row) blocks and the 1–7 leftover rows.
    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private readonly struct Rows1 : IRowCount
    {
        public static int Count => 1;
    }

    private readonly struct Rows2 : IRowCount
    {
        public static int Count => 2;
    }

    private readonly struct Rows3 : IRowCount
    {
        public static int Count => 3;
    }

    private readonly struct Rows4 : IRowCount
    {
        public static int Count => 4;
    }

    private readonly struct Rows5 : IRowCount
    {
        public static int Count => 5;
    }

    private readonly struct Rows6 : IRowCount
    {
        public static int Count => 6;
    }

    private readonly struct Rows7 : IRowCount
    {
        public static int Count => 7;
    }

    private readonly struct Rows8 : IRowCount
    {
        public static int Count => 8;
    }

    // Blocks of 8 rows; per block the columns go in 64-wide panels (two 4×64 kernels), then 32-wide (8×32), then one
    // 16-wide (8×16), the last vector of each kernel masked, so a remainder of r columns costs ⌈r/16⌉ vectors and every
    // kernel keeps 8–16 independent FMA chains in flight (the FMA latency times two pipes). For the SS-DeepCAE widths
    // (64, 32, 16, d = 23) every layer runs in 16-accumulator blocks except the two 16-wide ones (8).
    // Every element is bias (or C) plus one FMA per step of k in order, exactly as in the 8-lane kernels.
    private static void Avx512Blocked(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int m, int k, int n, float* bias, bool accumulate, bool relu)
    {
        for (int i = 0; i < m; i += 8)
        {
            int rows = Math.Min(8, m - i);
            float* ai = a + ((nint)i * ars);
            float* ci = c + ((nint)i * ldc);
            int j = 0;
            for (; n - j > 48; j += 64)
            {
                int count = Math.Min(n - j - 48, 16);
                float* bj = bias == null ? null : bias + j;
                Block64Rows(Math.Min(rows, 4), ai, ars, aks, b + j, ldb, ci + j, ldc, k, bj, accumulate, relu, count);
                if (rows > 4) Block64Rows(rows - 4, ai + (4 * (nint)ars), ars, aks, b + j, ldb, ci + (4 * (nint)ldc) + j, ldc, k, bj, accumulate, relu, count);
            }
            for (; n - j > 16; j += 32)
                Block32Rows(rows, ai, ars, aks, b + j, ldb, ci + j, ldc, k, bias == null ? null : bias + j, accumulate, relu, Math.Min(n - j - 16, 16));
            if (n - j > 0) Block16Rows(rows, ai, ars, aks, b + j, ldb, ci + j, ldc, k, bias == null ? null : bias + j, accumulate, relu, n - j);
        }
    }

    private static void Block64Rows(int rows, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
    {
        switch (rows)
        {
            case 4: Block64<Rows4>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 3: Block64<Rows3>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 2: Block64<Rows2>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            default: Block64<Rows1>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
        }
    }

    private static void Block32Rows(int rows, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
    {
        switch (rows)
        {
            case 8: Block32<Rows8>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 7: Block32<Rows7>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 6: Block32<Rows6>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 5: Block32<Rows5>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 4: Block32<Rows4>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 3: Block32<Rows3>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 2: Block32<Rows2>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            default: Block32<Rows1>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
        }
    }

    private static void Block16Rows(int rows, float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
    {
        switch (rows)
        {
            case 8: Block16<Rows8>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 7: Block16<Rows7>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 6: Block16<Rows6>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 5: Block16<Rows5>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 4: Block16<Rows4>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 3: Block16<Rows3>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            case 2: Block16<Rows2>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
            default: Block16<Rows1>(a, ars, aks, b, ldb, c, ldc, k, bias, accumulate, relu, count); break;
        }
    }

    // Lanes 0..count-1 of a 16-lane mask; masked loads and stores never touch the other lanes (no fault past the end).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Mask16(int count) =>
        Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Init16(float* c, float* bias, bool accumulate) =>
        accumulate ? Avx512F.LoadVector512(c) : bias != null ? Avx512F.LoadVector512(bias) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Init16Masked(float* c, float* bias, bool accumulate, Vector512<float> mask) =>
        accumulate ? Avx512F.MaskLoad(c, mask, Vector512<float>.Zero) : bias != null ? Avx512F.MaskLoad(bias, mask, Vector512<float>.Zero) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(float* c, Vector512<float> v, bool relu) =>
        Avx512F.Store(c, relu ? Avx512F.Max(v, Vector512<float>.Zero) : v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16Masked(float* c, Vector512<float> v, bool relu, Vector512<float> mask) =>
        Avx512F.MaskStore(c, mask, relu ? Avx512F.Max(v, Vector512<float>.Zero) : v);

    // 4 rows × 64 columns (16 accumulators at full height); vector 3 is masked to count lanes.
    private static void Block64<TR>(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
        where TR : struct, IRowCount
    {
        Vector512<float> mask = Mask16(count);
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        float* a0 = a, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        Vector512<float> x00 = default, x01 = default, x02 = default, x03 = default;
        Vector512<float> x10 = default, x11 = default, x12 = default, x13 = default;
        Vector512<float> x20 = default, x21 = default, x22 = default, x23 = default;
        Vector512<float> x30 = default, x31 = default, x32 = default, x33 = default;
        x00 = Init16(c0, bias, accumulate);
        x01 = Init16(c0 + 16, bias == null ? null : bias + 16, accumulate);
        x02 = Init16(c0 + 32, bias == null ? null : bias + 32, accumulate);
        x03 = Init16Masked(c0 + 48, bias == null ? null : bias + 48, accumulate, mask);
        if (TR.Count > 1)
        {
            x10 = Init16(c1, bias, accumulate);
            x11 = Init16(c1 + 16, bias == null ? null : bias + 16, accumulate);
            x12 = Init16(c1 + 32, bias == null ? null : bias + 32, accumulate);
            x13 = Init16Masked(c1 + 48, bias == null ? null : bias + 48, accumulate, mask);
        }
        if (TR.Count > 2)
        {
            x20 = Init16(c2, bias, accumulate);
            x21 = Init16(c2 + 16, bias == null ? null : bias + 16, accumulate);
            x22 = Init16(c2 + 32, bias == null ? null : bias + 32, accumulate);
            x23 = Init16Masked(c2 + 48, bias == null ? null : bias + 48, accumulate, mask);
        }
        if (TR.Count > 3)
        {
            x30 = Init16(c3, bias, accumulate);
            x31 = Init16(c3 + 16, bias == null ? null : bias + 16, accumulate);
            x32 = Init16(c3 + 32, bias == null ? null : bias + 32, accumulate);
            x33 = Init16Masked(c3 + 48, bias == null ? null : bias + 48, accumulate, mask);
        }
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector512<float> b0 = Avx512F.LoadVector512(b), b1 = Avx512F.LoadVector512(b + 16), b2 = Avx512F.LoadVector512(b + 32), b3 = Avx512F.MaskLoad(b + 48, mask, Vector512<float>.Zero);
            Vector512<float> s = Vector512.Create(a0[off]);
            x00 = Avx512F.FusedMultiplyAdd(s, b0, x00); x01 = Avx512F.FusedMultiplyAdd(s, b1, x01); x02 = Avx512F.FusedMultiplyAdd(s, b2, x02); x03 = Avx512F.FusedMultiplyAdd(s, b3, x03);
            if (TR.Count > 1)
            {
                s = Vector512.Create(a1[off]);
                x10 = Avx512F.FusedMultiplyAdd(s, b0, x10); x11 = Avx512F.FusedMultiplyAdd(s, b1, x11); x12 = Avx512F.FusedMultiplyAdd(s, b2, x12); x13 = Avx512F.FusedMultiplyAdd(s, b3, x13);
            }
            if (TR.Count > 2)
            {
                s = Vector512.Create(a2[off]);
                x20 = Avx512F.FusedMultiplyAdd(s, b0, x20); x21 = Avx512F.FusedMultiplyAdd(s, b1, x21); x22 = Avx512F.FusedMultiplyAdd(s, b2, x22); x23 = Avx512F.FusedMultiplyAdd(s, b3, x23);
            }
            if (TR.Count > 3)
            {
                s = Vector512.Create(a3[off]);
                x30 = Avx512F.FusedMultiplyAdd(s, b0, x30); x31 = Avx512F.FusedMultiplyAdd(s, b1, x31); x32 = Avx512F.FusedMultiplyAdd(s, b2, x32); x33 = Avx512F.FusedMultiplyAdd(s, b3, x33);
            }
        }
        Store16(c0, x00, relu); Store16(c0 + 16, x01, relu); Store16(c0 + 32, x02, relu); Store16Masked(c0 + 48, x03, relu, mask);
        if (TR.Count > 1)
        {
            Store16(c1, x10, relu); Store16(c1 + 16, x11, relu); Store16(c1 + 32, x12, relu); Store16Masked(c1 + 48, x13, relu, mask);
        }
        if (TR.Count > 2)
        {
            Store16(c2, x20, relu); Store16(c2 + 16, x21, relu); Store16(c2 + 32, x22, relu); Store16Masked(c2 + 48, x23, relu, mask);
        }
        if (TR.Count > 3)
        {
            Store16(c3, x30, relu); Store16(c3 + 16, x31, relu); Store16(c3 + 32, x32, relu); Store16Masked(c3 + 48, x33, relu, mask);
        }
    }

    // Up to 8 rows × 32 columns (16 accumulators at full height); vector 1 is masked to count lanes.
    private static void Block32<TR>(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
        where TR : struct, IRowCount
    {
        Vector512<float> mask = Mask16(count);
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        float* a0 = a, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars, a6 = a5 + ars, a7 = a6 + ars;
        Vector512<float> x00 = default, x01 = default;
        Vector512<float> x10 = default, x11 = default;
        Vector512<float> x20 = default, x21 = default;
        Vector512<float> x30 = default, x31 = default;
        Vector512<float> x40 = default, x41 = default;
        Vector512<float> x50 = default, x51 = default;
        Vector512<float> x60 = default, x61 = default;
        Vector512<float> x70 = default, x71 = default;
        x00 = Init16(c0, bias, accumulate);
        x01 = Init16Masked(c0 + 16, bias == null ? null : bias + 16, accumulate, mask);
        if (TR.Count > 1)
        {
            x10 = Init16(c1, bias, accumulate);
            x11 = Init16Masked(c1 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 2)
        {
            x20 = Init16(c2, bias, accumulate);
            x21 = Init16Masked(c2 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 3)
        {
            x30 = Init16(c3, bias, accumulate);
            x31 = Init16Masked(c3 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 4)
        {
            x40 = Init16(c4, bias, accumulate);
            x41 = Init16Masked(c4 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 5)
        {
            x50 = Init16(c5, bias, accumulate);
            x51 = Init16Masked(c5 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 6)
        {
            x60 = Init16(c6, bias, accumulate);
            x61 = Init16Masked(c6 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        if (TR.Count > 7)
        {
            x70 = Init16(c7, bias, accumulate);
            x71 = Init16Masked(c7 + 16, bias == null ? null : bias + 16, accumulate, mask);
        }
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector512<float> b0 = Avx512F.LoadVector512(b), b1 = Avx512F.MaskLoad(b + 16, mask, Vector512<float>.Zero);
            Vector512<float> s = Vector512.Create(a0[off]);
            x00 = Avx512F.FusedMultiplyAdd(s, b0, x00); x01 = Avx512F.FusedMultiplyAdd(s, b1, x01);
            if (TR.Count > 1)
            {
                s = Vector512.Create(a1[off]);
                x10 = Avx512F.FusedMultiplyAdd(s, b0, x10); x11 = Avx512F.FusedMultiplyAdd(s, b1, x11);
            }
            if (TR.Count > 2)
            {
                s = Vector512.Create(a2[off]);
                x20 = Avx512F.FusedMultiplyAdd(s, b0, x20); x21 = Avx512F.FusedMultiplyAdd(s, b1, x21);
            }
            if (TR.Count > 3)
            {
                s = Vector512.Create(a3[off]);
                x30 = Avx512F.FusedMultiplyAdd(s, b0, x30); x31 = Avx512F.FusedMultiplyAdd(s, b1, x31);
            }
            if (TR.Count > 4)
            {
                s = Vector512.Create(a4[off]);
                x40 = Avx512F.FusedMultiplyAdd(s, b0, x40); x41 = Avx512F.FusedMultiplyAdd(s, b1, x41);
            }
            if (TR.Count > 5)
            {
                s = Vector512.Create(a5[off]);
                x50 = Avx512F.FusedMultiplyAdd(s, b0, x50); x51 = Avx512F.FusedMultiplyAdd(s, b1, x51);
            }
            if (TR.Count > 6)
            {
                s = Vector512.Create(a6[off]);
                x60 = Avx512F.FusedMultiplyAdd(s, b0, x60); x61 = Avx512F.FusedMultiplyAdd(s, b1, x61);
            }
            if (TR.Count > 7)
            {
                s = Vector512.Create(a7[off]);
                x70 = Avx512F.FusedMultiplyAdd(s, b0, x70); x71 = Avx512F.FusedMultiplyAdd(s, b1, x71);
            }
        }
        Store16(c0, x00, relu); Store16Masked(c0 + 16, x01, relu, mask);
        if (TR.Count > 1)
        {
            Store16(c1, x10, relu); Store16Masked(c1 + 16, x11, relu, mask);
        }
        if (TR.Count > 2)
        {
            Store16(c2, x20, relu); Store16Masked(c2 + 16, x21, relu, mask);
        }
        if (TR.Count > 3)
        {
            Store16(c3, x30, relu); Store16Masked(c3 + 16, x31, relu, mask);
        }
        if (TR.Count > 4)
        {
            Store16(c4, x40, relu); Store16Masked(c4 + 16, x41, relu, mask);
        }
        if (TR.Count > 5)
        {
            Store16(c5, x50, relu); Store16Masked(c5 + 16, x51, relu, mask);
        }
        if (TR.Count > 6)
        {
            Store16(c6, x60, relu); Store16Masked(c6 + 16, x61, relu, mask);
        }
        if (TR.Count > 7)
        {
            Store16(c7, x70, relu); Store16Masked(c7 + 16, x71, relu, mask);
        }
    }

    // Up to 8 rows × 16 columns (8 accumulators at full height); vector 0 is masked to count lanes.
    private static void Block16<TR>(float* a, int ars, int aks, float* b, int ldb, float* c, int ldc, int k, float* bias, bool accumulate, bool relu, int count)
        where TR : struct, IRowCount
    {
        Vector512<float> mask = Mask16(count);
        float* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        float* a0 = a, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars, a5 = a4 + ars, a6 = a5 + ars, a7 = a6 + ars;
        Vector512<float> x00 = default;
        Vector512<float> x10 = default;
        Vector512<float> x20 = default;
        Vector512<float> x30 = default;
        Vector512<float> x40 = default;
        Vector512<float> x50 = default;
        Vector512<float> x60 = default;
        Vector512<float> x70 = default;
        x00 = Init16Masked(c0, bias, accumulate, mask);
        if (TR.Count > 1)
        {
            x10 = Init16Masked(c1, bias, accumulate, mask);
        }
        if (TR.Count > 2)
        {
            x20 = Init16Masked(c2, bias, accumulate, mask);
        }
        if (TR.Count > 3)
        {
            x30 = Init16Masked(c3, bias, accumulate, mask);
        }
        if (TR.Count > 4)
        {
            x40 = Init16Masked(c4, bias, accumulate, mask);
        }
        if (TR.Count > 5)
        {
            x50 = Init16Masked(c5, bias, accumulate, mask);
        }
        if (TR.Count > 6)
        {
            x60 = Init16Masked(c6, bias, accumulate, mask);
        }
        if (TR.Count > 7)
        {
            x70 = Init16Masked(c7, bias, accumulate, mask);
        }
        nint off = 0;
        for (int p = 0; p < k; p++, off += aks, b += ldb)
        {
            Vector512<float> b0 = Avx512F.MaskLoad(b, mask, Vector512<float>.Zero);
            Vector512<float> s = Vector512.Create(a0[off]);
            x00 = Avx512F.FusedMultiplyAdd(s, b0, x00);
            if (TR.Count > 1)
            {
                s = Vector512.Create(a1[off]);
                x10 = Avx512F.FusedMultiplyAdd(s, b0, x10);
            }
            if (TR.Count > 2)
            {
                s = Vector512.Create(a2[off]);
                x20 = Avx512F.FusedMultiplyAdd(s, b0, x20);
            }
            if (TR.Count > 3)
            {
                s = Vector512.Create(a3[off]);
                x30 = Avx512F.FusedMultiplyAdd(s, b0, x30);
            }
            if (TR.Count > 4)
            {
                s = Vector512.Create(a4[off]);
                x40 = Avx512F.FusedMultiplyAdd(s, b0, x40);
            }
            if (TR.Count > 5)
            {
                s = Vector512.Create(a5[off]);
                x50 = Avx512F.FusedMultiplyAdd(s, b0, x50);
            }
            if (TR.Count > 6)
            {
                s = Vector512.Create(a6[off]);
                x60 = Avx512F.FusedMultiplyAdd(s, b0, x60);
            }
            if (TR.Count > 7)
            {
                s = Vector512.Create(a7[off]);
                x70 = Avx512F.FusedMultiplyAdd(s, b0, x70);
            }
        }
        Store16Masked(c0, x00, relu, mask);
        if (TR.Count > 1)
        {
            Store16Masked(c1, x10, relu, mask);
        }
        if (TR.Count > 2)
        {
            Store16Masked(c2, x20, relu, mask);
        }
        if (TR.Count > 3)
        {
            Store16Masked(c3, x30, relu, mask);
        }
        if (TR.Count > 4)
        {
            Store16Masked(c4, x40, relu, mask);
        }
        if (TR.Count > 5)
        {
            Store16Masked(c5, x50, relu, mask);
        }
        if (TR.Count > 6)
        {
            Store16Masked(c6, x60, relu, mask);
        }
        if (TR.Count > 7)
        {
            Store16Masked(c7, x70, relu, mask);
        }
    }
}
