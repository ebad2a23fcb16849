using System.Runtime.InteropServices;

namespace Xainomaly.Numerics;

/// <summary>
/// The trainable tensors of a model, in a fixed order. Optimisers step over it; save/load writes the raw
/// float bits, so a round trip is bit-identical.
/// </summary>
public sealed class ParameterCollection
{
    private const int Magic = 0x50524D58; // "XMRP": guards against loading something that is not parameters
    private readonly List<Tensor> _tensors = [];

    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>Tensor <paramref name="index"/>.</summary>
    public Tensor this[int index] => _tensors[index];

    /// <summary>Total number of trainable scalars.</summary>
    public int ScalarCount
    {
        get
        {
            int n = 0;
            foreach (Tensor t in _tensors) n += t.Length;
            return n;
        }
    }

    /// <summary>Appends a tensor (its gradient buffer is enabled).</summary>
    public void Add(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.EnableGrad();
        _tensors.Add(tensor);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor t in _tensors) t.ZeroGrad();
    }

    /// <summary>‖g‖₂ over all gradients together.</summary>
    public double GradientNorm()
    {
        double s = 0;
        foreach (Tensor t in _tensors) s += Kernels.SumOfSquares(t.Grad);
        return Math.Sqrt(s);
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public double ClipGradientNorm(double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The clipping norm must be positive.");
        double norm = GradientNorm();
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / norm);
            foreach (Tensor t in _tensors) Kernels.Scale(t.Grad, scale, t.Grad);
        }
        return norm;
    }

    /// <summary>Writes the shapes and raw values of all tensors.</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(_tensors.Count);
        foreach (Tensor t in _tensors)
        {
            writer.Write(t.Rows);
            writer.Write(t.Cols);
            writer.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
    }

    /// <summary>
    /// Reads values written by <see cref="Save"/> into the existing tensors. Throws
    /// <see cref="InvalidDataException"/> naming the tensor when the count or a shape differs.
    /// </summary>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("Parameter block: bad magic number, this is not a parameter block.");
        int count = reader.ReadInt32();
        if (count != _tensors.Count) throw new InvalidDataException($"Parameter block: {count} tensors stored, the model has {_tensors.Count}.");
        for (int i = 0; i < count; i++)
        {
            Tensor t = _tensors[i];
            int rows = reader.ReadInt32(), cols = reader.ReadInt32();
            if (rows != t.Rows || cols != t.Cols)
                throw new InvalidDataException($"Parameter block: tensor {i} is stored as {rows}×{cols}, the model expects {t.Rows}×{t.Cols}.");
            Span<byte> bytes = MemoryMarshal.AsBytes(t.Data.AsSpan());
            if (reader.Read(bytes) != bytes.Length) throw new EndOfStreamException($"Parameter block: tensor {i} is truncated.");
        }
    }
}
