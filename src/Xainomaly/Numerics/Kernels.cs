using System.Numerics;
using System.Numerics.Tensors;

namespace Xainomaly.Numerics;

/// <summary>
/// Element-wise and reduction kernels over row-major float spans (no allocation). Most delegate to
/// <see cref="TensorPrimitives"/>, which vectorises internally on every platform; the rest use
/// <see cref="Vector{T}"/> with a scalar tail. Matrix products are in <see cref="Gemm"/>.
/// </summary>
public static class Kernels
{
    /// <summary>x[r, c] += bias[c] for every row of the rows×cols matrix.</summary>
    public static void AddBias(Span<float> x, ReadOnlySpan<float> bias, int rows, int cols)
    {
        CheckMatrix(x.Length, rows, cols);
        bias = bias[..cols];
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = x.Slice(r * cols, cols);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>dst[r] (+)= Σ_c x[r, c] (one sum per row).</summary>
    public static void RowSums(ReadOnlySpan<float> x, Span<float> dst, int rows, int cols, bool accumulate = false)
    {
        CheckMatrix(x.Length, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            float s = TensorPrimitives.Sum(x.Slice(r * cols, cols));
            dst[r] = accumulate ? dst[r] + s : s;
        }
    }

    /// <summary>dst[c] (+)= Σ_r x[r, c] (one sum per column; a bias gradient).</summary>
    public static void ColumnSums(ReadOnlySpan<float> x, Span<float> dst, int rows, int cols, bool accumulate = false)
    {
        CheckMatrix(x.Length, rows, cols);
        Span<float> d = dst[..cols];
        if (!accumulate) d.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(d, x.Slice(r * cols, cols), d);
    }

    /// <summary>dst = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> dst) => TensorPrimitives.Max(x, 0f, dst);

    /// <summary>mask = 1 where x &gt; 0, else 0 (the ReLU derivative, taken as 0 at 0).</summary>
    public static void ReluMask(ReadOnlySpan<float> x, Span<float> mask)
    {
        int n = x.Length;
        if (mask.Length < n) throw new ArgumentException("Mask is shorter than the input.", nameof(mask));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), one, Vector<float>.Zero).CopyTo(mask[i..]);
            }
        }
        for (; i < n; i++) mask[i] = x[i] > 0f ? 1f : 0f;
    }

    /// <summary>
    /// ReLU backward: gradIn (+)= gradOut where activation &gt; 0, else 0. <paramref name="activation"/> may be
    /// the ReLU input or output (they share their sign); gradIn may alias gradOut when not accumulating.
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> gradOut, ReadOnlySpan<float> activation, Span<float> gradIn, bool accumulate = false)
    {
        int n = gradOut.Length;
        if (activation.Length < n || gradIn.Length < n) throw new ArgumentException("ReluBackward spans differ in length.");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gradOut[i..]);
                var a = new Vector<float>(activation[i..]);
                var r = Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float>.Zero), g, Vector<float>.Zero);
                if (accumulate) r += new Vector<float>(gradIn[i..]);
                r.CopyTo(gradIn[i..]);
            }
        }
        for (; i < n; i++)
        {
            float r = activation[i] > 0f ? gradOut[i] : 0f;
            gradIn[i] = accumulate ? gradIn[i] + r : r;
        }
    }

    /// <summary>dst = 1 / (1 + e^(−x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> dst) => TensorPrimitives.Sigmoid(x, dst);

    /// <summary>dst = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> dst) => TensorPrimitives.Tanh(x, dst);

    /// <summary>dst = e^x.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> dst) => TensorPrimitives.Exp(x, dst);

    /// <summary>dst = ln x.</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> dst) => TensorPrimitives.Log(x, dst);

    /// <summary>dst = ln(1 + e^x), computed as max(x, 0) + ln(1 + e^(−|x|)) so it neither overflows nor loses small values.</summary>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> dst)
    {
        for (int i = 0; i < x.Length; i++) dst[i] = Softplus(x[i]);
    }

    /// <summary>Scalar softplus, overflow-safe.</summary>
    public static float Softplus(float x) => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));

    /// <summary>Scalar logistic sigmoid, overflow-safe.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0f) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>dst = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TensorPrimitives.Add(a, b, dst);

    /// <summary>dst = a − b.</summary>
    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TensorPrimitives.Subtract(a, b, dst);

    /// <summary>dst = a ⊙ b.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TensorPrimitives.Multiply(a, b, dst);

    /// <summary>dst = s · a.</summary>
    public static void Scale(ReadOnlySpan<float> a, float s, Span<float> dst) => TensorPrimitives.Multiply(a, s, dst);

    /// <summary>dst = a ⊙ b + c.</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> dst) => TensorPrimitives.MultiplyAdd(a, b, c, dst);

    /// <summary>y += s · x (axpy).</summary>
    public static void AddScaled(ReadOnlySpan<float> x, float s, Span<float> y) => TensorPrimitives.MultiplyAdd(x, s, y, y);

    /// <summary>Σ x.</summary>
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    /// <summary>Σ x².</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x) => TensorPrimitives.SumOfSquares(x);

    /// <summary>Σ (a − b)², accumulated without a temporary.</summary>
    public static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        if (b.Length < n) throw new ArgumentException("Second span is shorter than the first.", nameof(b));
        int i = 0;
        float s = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                var d = new Vector<float>(a[i..]) - new Vector<float>(b[i..]);
                acc += d * d;
            }
            s = Vector.Sum(acc);
        }
        for (; i < n; i++)
        {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static void CheckMatrix(int length, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || length < (long)rows * cols)
            throw new ArgumentException($"A {rows}×{cols} matrix needs {(long)rows * cols} elements, the span has {length}.");
    }
}
