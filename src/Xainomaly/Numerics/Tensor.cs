namespace Xainomaly.Numerics;

/// <summary>
/// A float32 matrix (rows × cols, row-major, in a <c>float[]</c>) with an optional gradient buffer of the
/// same shape. Two dimensions cover everything our models need: a batch is rows, features are columns,
/// a scalar is 1×1 and a bias is 1×cols.
/// </summary>
public sealed class Tensor
{
    /// <summary>Creates a zero tensor; <paramref name="requiresGrad"/> allocates its gradient buffer.</summary>
    public Tensor(int rows, int cols, bool requiresGrad = false)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Tensor shape {rows}×{cols} must be non-negative.");
        Rows = rows;
        Cols = cols;
        Data = new float[rows * cols];
        if (requiresGrad) Grad = new float[rows * cols];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a rows×cols tensor.</summary>
    public Tensor(float[] data, int rows, int cols, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0 || data.Length != rows * cols)
            throw new ArgumentException($"Tensor shape {rows}×{cols} needs {rows * cols} values, got {data.Length}.", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
        if (requiresGrad) Grad = new float[rows * cols];
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>Number of elements (rows × cols).</summary>
    public int Length => Data.Length;

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The gradient of the last backward pass (null when the tensor does not require one).</summary>
    public float[]? Grad { get; private set; }

    /// <summary>True when gradients flow into this tensor.</summary>
    public bool RequiresGrad => Grad is not null;

    /// <summary>Element (r, c).</summary>
    public float this[int r, int c]
    {
        get => Data[(r * Cols) + c];
        set => Data[(r * Cols) + c] = value;
    }

    /// <summary>The values as a span.</summary>
    public Span<float> Span => Data;

    /// <summary>Row <paramref name="r"/> as a span.</summary>
    public Span<float> Row(int r) => Data.AsSpan(r * Cols, Cols);

    /// <summary>The gradient as a span (throws when the tensor has none).</summary>
    public Span<float> GradSpan => Grad ?? throw new InvalidOperationException("This tensor does not require a gradient.");

    /// <summary>Allocates the gradient buffer if it is missing.</summary>
    public void EnableGrad() => Grad ??= new float[Data.Length];

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGrad()
    {
        if (Grad is not null) Array.Clear(Grad);
    }

    /// <summary>True when both tensors have the same shape.</summary>
    public bool SameShape(Tensor other) => Rows == other.Rows && Cols == other.Cols;

    /// <inheritdoc />
    public override string ToString() => $"Tensor {Rows}×{Cols}";
}
