using System.Numerics.Tensors;

namespace Xainomaly.Numerics;

/// <summary>
/// Reverse-mode automatic differentiation over <see cref="Tensor"/> matrices. Each op computes its output
/// at once and records itself; <see cref="Backward"/> replays the record in reverse, accumulating gradients
/// into every tensor that requires one (parameters keep accumulating until an optimiser step clears them).
/// </summary>
/// <remarks>
/// Buffers are recycled by position: after <see cref="Reset"/>, the i-th op of the next pass reuses the
/// output tensor (and gradient, and any mask) of the i-th op of the previous pass when the shape matches.
/// A training loop that builds the same graph every step therefore allocates nothing after the first step.
/// The price: tensors returned by ops are only valid until the next <see cref="Reset"/>. Not thread-safe.
/// </remarks>
public sealed class Tape
{
    private enum Op
    {
        MatMul, AddBias, Relu, Sigmoid, Tanh, Exp, Log, Softplus, Square, Add, Subtract, Multiply, Scale, AddScalar,
        Sum, Mean, SumRows, SumColumns, SliceColumns, ConcatColumns, Dropout, Mse, Mae, Smape, BceWithLogits,
    }

    private struct Node
    {
        public Op Op;
        public Tensor Out;
        public Tensor? A;
        public Tensor? B;
        public Tensor? C;
        public float S;
        public int I;
        public float[]? Aux;
    }

    /// <summary>The ε in the sMAPE denominator, keeping 0/0 defined when prediction and target are both zero.</summary>
    public const float SmapeEpsilon = 1e-6f;

    private Node[] _nodes = new Node[64];
    private int _count;
    private int _capacityUsed;

    /// <summary>Number of ops recorded since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Forgets the recorded ops; their buffers are kept for reuse by the next pass.</summary>
    public void Reset() => _count = 0;

    /// <summary>C = A·B.</summary>
    public Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Cols != b.Rows) throw new ArgumentException($"MatMul: {a.Rows}×{a.Cols} · {b.Rows}×{b.Cols} do not chain.");
        Tensor o = Push(Op.MatMul, a.Rows, b.Cols, a, b);
        Gemm.Multiply(a.Data, b.Data, o.Data, a.Rows, a.Cols, b.Cols);
        return o;
    }

    /// <summary>x + bias, the 1×cols bias added to every row.</summary>
    public Tensor AddBias(Tensor x, Tensor bias)
    {
        if (bias.Length != x.Cols) throw new ArgumentException($"AddBias: bias has {bias.Length} values, the input {x.Cols} columns.");
        Tensor o = Push(Op.AddBias, x.Rows, x.Cols, x, bias);
        x.Data.CopyTo(o.Data, 0);
        Kernels.AddBias(o.Data, bias.Data, x.Rows, x.Cols);
        return o;
    }

    /// <summary>max(x, 0).</summary>
    public Tensor Relu(Tensor x) => Unary(Op.Relu, x, static (s, d) => Kernels.Relu(s, d));

    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid(Tensor x) => Unary(Op.Sigmoid, x, static (s, d) => Kernels.Sigmoid(s, d));

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh(Tensor x) => Unary(Op.Tanh, x, static (s, d) => Kernels.Tanh(s, d));

    /// <summary>e^x.</summary>
    public Tensor Exp(Tensor x) => Unary(Op.Exp, x, static (s, d) => Kernels.Exp(s, d));

    /// <summary>ln x.</summary>
    public Tensor Log(Tensor x) => Unary(Op.Log, x, static (s, d) => Kernels.Log(s, d));

    /// <summary>ln(1 + e^x).</summary>
    public Tensor Softplus(Tensor x) => Unary(Op.Softplus, x, static (s, d) => Kernels.Softplus(s, d));

    /// <summary>x².</summary>
    public Tensor Square(Tensor x) => Unary(Op.Square, x, static (s, d) => TensorPrimitives.Multiply(s, s, d));

    /// <summary>a + b (same shape).</summary>
    public Tensor Add(Tensor a, Tensor b) => Binary(Op.Add, a, b, static (x, y, d) => TensorPrimitives.Add(x, y, d));

    /// <summary>a − b (same shape).</summary>
    public Tensor Subtract(Tensor a, Tensor b) => Binary(Op.Subtract, a, b, static (x, y, d) => TensorPrimitives.Subtract(x, y, d));

    /// <summary>a ⊙ b (same shape).</summary>
    public Tensor Multiply(Tensor a, Tensor b) => Binary(Op.Multiply, a, b, static (x, y, d) => TensorPrimitives.Multiply(x, y, d));

    /// <summary>s · a.</summary>
    public Tensor Scale(Tensor a, float s)
    {
        Tensor o = Push(Op.Scale, a.Rows, a.Cols, a, s: s);
        TensorPrimitives.Multiply(a.Data, s, o.Data);
        return o;
    }

    /// <summary>a + s.</summary>
    public Tensor AddScalar(Tensor a, float s)
    {
        Tensor o = Push(Op.AddScalar, a.Rows, a.Cols, a, s: s);
        TensorPrimitives.Add(a.Data, s, o.Data);
        return o;
    }

    /// <summary>Σ of all elements, as a 1×1 tensor.</summary>
    public Tensor Sum(Tensor a)
    {
        Tensor o = Push(Op.Sum, 1, 1, a);
        o.Data[0] = TensorPrimitives.Sum(a.Data);
        return o;
    }

    /// <summary>Mean of all elements, as a 1×1 tensor.</summary>
    public Tensor Mean(Tensor a)
    {
        if (a.Length == 0) throw new ArgumentException("Mean of an empty tensor.", nameof(a));
        Tensor o = Push(Op.Mean, 1, 1, a);
        o.Data[0] = TensorPrimitives.Sum(a.Data) / a.Length;
        return o;
    }

    /// <summary>Sum over the rows: a 1×cols tensor (e.g. a batch total per feature).</summary>
    public Tensor SumRows(Tensor a)
    {
        Tensor o = Push(Op.SumRows, 1, a.Cols, a);
        Kernels.ColumnSums(a.Data, o.Data, a.Rows, a.Cols);
        return o;
    }

    /// <summary>Sum over the columns: a rows×1 tensor (e.g. a per-sample total).</summary>
    public Tensor SumColumns(Tensor a)
    {
        Tensor o = Push(Op.SumColumns, a.Rows, 1, a);
        Kernels.RowSums(a.Data, o.Data, a.Rows, a.Cols);
        return o;
    }

    /// <summary>Columns [start, start + count) of a.</summary>
    public Tensor SliceColumns(Tensor a, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > a.Cols)
            throw new ArgumentOutOfRangeException(nameof(start), $"SliceColumns [{start}, {start + count}) is outside 0..{a.Cols}.");
        Tensor o = Push(Op.SliceColumns, a.Rows, count, a, i: start);
        for (int r = 0; r < a.Rows; r++) a.Data.AsSpan((r * a.Cols) + start, count).CopyTo(o.Row(r));
        return o;
    }

    /// <summary>[a | b]: columns of a followed by columns of b (same row count).</summary>
    public Tensor ConcatColumns(Tensor a, Tensor b)
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"ConcatColumns: {a.Rows} rows vs {b.Rows} rows.");
        Tensor o = Push(Op.ConcatColumns, a.Rows, a.Cols + b.Cols, a, b);
        for (int r = 0; r < a.Rows; r++)
        {
            a.Row(r).CopyTo(o.Data.AsSpan(r * o.Cols, a.Cols));
            b.Row(r).CopyTo(o.Data.AsSpan((r * o.Cols) + a.Cols, b.Cols));
        }
        return o;
    }

    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="p"/> (drawn from
    /// <paramref name="rng"/>) and the survivors scaled by 1/(1 − p), so inference needs no rescaling.
    /// </summary>
    public Tensor Dropout(Tensor a, float p, Rng rng)
    {
        if (p is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1).");
        ArgumentNullException.ThrowIfNull(rng);
        Tensor o = Push(Op.Dropout, a.Rows, a.Cols, a);
        ref Node node = ref _nodes[_count - 1];
        if (node.Aux is null || node.Aux.Length < a.Length) node.Aux = new float[a.Length];
        float[] mask = node.Aux;
        float keep = 1f / (1f - p);
        for (int i = 0; i < a.Length; i++) mask[i] = rng.NextSingle() >= p ? keep : 0f;
        TensorPrimitives.Multiply(a.Data, mask.AsSpan(0, a.Length), o.Data);
        return o;
    }

    /// <summary>Mean squared error over all elements: mean((pred − target)²).</summary>
    public Tensor MseLoss(Tensor pred, Tensor target)
    {
        CheckSame(pred, target, "MseLoss");
        Tensor o = Push(Op.Mse, 1, 1, pred, target);
        o.Data[0] = Kernels.SquaredDistance(pred.Data, target.Data) / pred.Length;
        return o;
    }

    /// <summary>Mean absolute error over all elements.</summary>
    public Tensor MaeLoss(Tensor pred, Tensor target)
    {
        CheckSame(pred, target, "MaeLoss");
        Tensor o = Push(Op.Mae, 1, 1, pred, target);
        double s = 0;
        for (int i = 0; i < pred.Length; i++) s += MathF.Abs(pred.Data[i] - target.Data[i]);
        o.Data[0] = (float)(s / pred.Length);
        return o;
    }

    /// <summary>Symmetric mean absolute percentage error: mean(2|p − t| / (|p| + |t| + ε)), ε = <see cref="SmapeEpsilon"/>.</summary>
    public Tensor SmapeLoss(Tensor pred, Tensor target)
    {
        CheckSame(pred, target, "SmapeLoss");
        Tensor o = Push(Op.Smape, 1, 1, pred, target);
        double s = 0;
        for (int i = 0; i < pred.Length; i++)
        {
            float p = pred.Data[i], t = target.Data[i];
            s += 2f * MathF.Abs(p - t) / (MathF.Abs(p) + MathF.Abs(t) + SmapeEpsilon);
        }
        o.Data[0] = (float)(s / pred.Length);
        return o;
    }

    /// <summary>
    /// Binary cross-entropy on logits, weighted per element and averaged over the element count (not over
    /// the weight total): mean(w · (softplus(l) − y·l)). <paramref name="weights"/> null means all ones;
    /// a weight of 0 drops an unlabelled sample. Targets and weights receive no gradient.
    /// </summary>
    public Tensor BceWithLogits(Tensor logits, Tensor targets, Tensor? weights = null)
    {
        CheckSame(logits, targets, "BceWithLogits");
        if (weights is not null && weights.Length != logits.Length)
            throw new ArgumentException($"BceWithLogits: {weights.Length} weights for {logits.Length} logits.", nameof(weights));
        Tensor o = Push(Op.BceWithLogits, 1, 1, logits, targets, weights, noGradB: true);
        double s = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float l = logits.Data[i];
            float w = weights is null ? 1f : weights.Data[i];
            s += w * (Kernels.Softplus(l) - (targets.Data[i] * l));
        }
        o.Data[0] = (float)(s / logits.Length);
        return o;
    }

    /// <summary>
    /// Back-propagates from the 1×1 <paramref name="loss"/> (which must come from this tape), adding
    /// d loss / d t into the gradient of every tensor t that requires one.
    /// </summary>
    public void Backward(Tensor loss)
    {
        if (loss.Length != 1) throw new ArgumentException($"Backward needs a 1×1 loss, got {loss.Rows}×{loss.Cols}.", nameof(loss));
        if (loss.Grad is null) return; // nothing upstream requires a gradient
        loss.Grad[0] = 1f;
        for (int n = _count - 1; n >= 0; n--)
        {
            ref Node node = ref _nodes[n];
            if (node.Out.Grad is not null) BackwardNode(ref node);
        }
    }

    private void BackwardNode(ref Node node)
    {
        Tensor o = node.Out;
        Tensor a = node.A!;
        float[] g = o.Grad!;
        float[]? ga = a.Grad;
        switch (node.Op)
        {
            case Op.MatMul:
                {
                    Tensor b = node.B!;
                    if (ga is not null) Gemm.MultiplyTransposeB(g, b.Data, ga, a.Rows, b.Cols, a.Cols, accumulate: true);
                    if (b.Grad is not null) Gemm.MultiplyTransposeA(a.Data, g, b.Grad, a.Cols, a.Rows, b.Cols, accumulate: true);
                    break;
                }
            case Op.AddBias:
                if (ga is not null) TensorPrimitives.Add(ga, g, ga);
                if (node.B!.Grad is { } gb) Kernels.ColumnSums(g, gb, o.Rows, o.Cols, accumulate: true);
                break;
            case Op.Relu:
                if (ga is not null) Kernels.ReluBackward(g, o.Data, ga, accumulate: true);
                break;
            case Op.Sigmoid:
                if (ga is not null)
                {
                    for (int i = 0; i < ga.Length; i++) ga[i] += g[i] * o.Data[i] * (1f - o.Data[i]);
                }
                break;
            case Op.Tanh:
                if (ga is not null)
                {
                    for (int i = 0; i < ga.Length; i++) ga[i] += g[i] * (1f - (o.Data[i] * o.Data[i]));
                }
                break;
            case Op.Exp:
                if (ga is not null) TensorPrimitives.MultiplyAdd(g, o.Data, ga, ga);
                break;
            case Op.Log:
                if (ga is not null)
                {
                    for (int i = 0; i < ga.Length; i++) ga[i] += g[i] / a.Data[i];
                }
                break;
            case Op.Softplus:
                if (ga is not null)
                {
                    for (int i = 0; i < ga.Length; i++) ga[i] += g[i] * Kernels.Sigmoid(a.Data[i]);
                }
                break;
            case Op.Square:
                if (ga is not null)
                {
                    for (int i = 0; i < ga.Length; i++) ga[i] += 2f * g[i] * a.Data[i];
                }
                break;
            case Op.Add:
                if (ga is not null) TensorPrimitives.Add(ga, g, ga);
                if (node.B!.Grad is { } gAdd) TensorPrimitives.Add(gAdd, g, gAdd);
                break;
            case Op.Subtract:
                if (ga is not null) TensorPrimitives.Add(ga, g, ga);
                if (node.B!.Grad is { } gSub) TensorPrimitives.Subtract(gSub, g, gSub);
                break;
            case Op.Multiply:
                if (ga is not null) TensorPrimitives.MultiplyAdd(g, node.B!.Data, ga, ga);
                if (node.B!.Grad is { } gMul) TensorPrimitives.MultiplyAdd(g, a.Data, gMul, gMul);
                break;
            case Op.Scale:
                if (ga is not null) TensorPrimitives.MultiplyAdd(g, node.S, ga, ga);
                break;
            case Op.AddScalar:
                if (ga is not null) TensorPrimitives.Add(ga, g, ga);
                break;
            case Op.Sum:
                if (ga is not null) TensorPrimitives.Add(ga, g[0], ga);
                break;
            case Op.Mean:
                if (ga is not null) TensorPrimitives.Add(ga, g[0] / a.Length, ga);
                break;
            case Op.SumRows:
                if (ga is not null)
                {
                    for (int r = 0; r < a.Rows; r++)
                    {
                        Span<float> row = ga.AsSpan(r * a.Cols, a.Cols);
                        TensorPrimitives.Add(row, g, row);
                    }
                }
                break;
            case Op.SumColumns:
                if (ga is not null)
                {
                    for (int r = 0; r < a.Rows; r++)
                    {
                        Span<float> row = ga.AsSpan(r * a.Cols, a.Cols);
                        TensorPrimitives.Add(row, g[r], row);
                    }
                }
                break;
            case Op.SliceColumns:
                if (ga is not null)
                {
                    for (int r = 0; r < a.Rows; r++)
                    {
                        Span<float> dst = ga.AsSpan((r * a.Cols) + node.I, o.Cols);
                        TensorPrimitives.Add(dst, g.AsSpan(r * o.Cols, o.Cols), dst);
                    }
                }
                break;
            case Op.ConcatColumns:
                {
                    Tensor b = node.B!;
                    for (int r = 0; r < a.Rows; r++)
                    {
                        if (ga is not null)
                        {
                            Span<float> da = ga.AsSpan(r * a.Cols, a.Cols);
                            TensorPrimitives.Add(da, g.AsSpan(r * o.Cols, a.Cols), da);
                        }
                        if (b.Grad is not null)
                        {
                            Span<float> db = b.Grad.AsSpan(r * b.Cols, b.Cols);
                            TensorPrimitives.Add(db, g.AsSpan((r * o.Cols) + a.Cols, b.Cols), db);
                        }
                    }
                    break;
                }
            case Op.Dropout:
                if (ga is not null) TensorPrimitives.MultiplyAdd(g, node.Aux.AsSpan(0, a.Length), ga, ga);
                break;
            case Op.Mse:
                {
                    Tensor t = node.B!;
                    float s = 2f * g[0] / a.Length;
                    for (int i = 0; i < a.Length; i++)
                    {
                        float d = s * (a.Data[i] - t.Data[i]);
                        if (ga is not null) ga[i] += d;
                        if (t.Grad is not null) t.Grad[i] -= d;
                    }
                    break;
                }
            case Op.Mae:
                {
                    Tensor t = node.B!;
                    float s = g[0] / a.Length;
                    for (int i = 0; i < a.Length; i++)
                    {
                        float d = s * MathF.Sign(a.Data[i] - t.Data[i]);
                        if (ga is not null) ga[i] += d;
                        if (t.Grad is not null) t.Grad[i] -= d;
                    }
                    break;
                }
            case Op.Smape:
                {
                    Tensor t = node.B!;
                    float s = 2f * g[0] / a.Length;
                    for (int i = 0; i < a.Length; i++)
                    {
                        float p = a.Data[i], y = t.Data[i];
                        float diff = p - y, den = MathF.Abs(p) + MathF.Abs(y) + SmapeEpsilon;
                        float sd = MathF.Sign(diff), ad = MathF.Abs(diff);
                        if (ga is not null) ga[i] += s * ((sd / den) - (ad * MathF.Sign(p) / (den * den)));
                        if (t.Grad is not null) t.Grad[i] += s * ((-sd / den) - (ad * MathF.Sign(y) / (den * den)));
                    }
                    break;
                }
            case Op.BceWithLogits:
                if (ga is not null)
                {
                    Tensor t = node.B!;
                    Tensor? w = node.C;
                    float s = g[0] / a.Length;
                    for (int i = 0; i < a.Length; i++)
                    {
                        float wi = w is null ? 1f : w.Data[i];
                        ga[i] += s * wi * (Kernels.Sigmoid(a.Data[i]) - t.Data[i]);
                    }
                }
                break;
            default:
                throw new InvalidOperationException($"No backward rule for {node.Op}.");
        }
    }

    private Tensor Unary(Op op, Tensor x, SpanAction f)
    {
        Tensor o = Push(op, x.Rows, x.Cols, x);
        f(x.Data, o.Data);
        return o;
    }

    private Tensor Binary(Op op, Tensor a, Tensor b, SpanAction2 f)
    {
        CheckSame(a, b, op.ToString());
        Tensor o = Push(op, a.Rows, a.Cols, a, b);
        f(a.Data, b.Data, o.Data);
        return o;
    }

    private delegate void SpanAction(ReadOnlySpan<float> src, Span<float> dst);

    private delegate void SpanAction2(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst);

    private static void CheckSame(Tensor a, Tensor b, string op)
    {
        if (!a.SameShape(b)) throw new ArgumentException($"{op}: shapes {a.Rows}×{a.Cols} and {b.Rows}×{b.Cols} differ.");
    }

    private Tensor Push(Op op, int rows, int cols, Tensor a, Tensor? b = null, Tensor? c = null, float s = 0f, int i = 0, bool noGradB = false)
    {
        bool grad = a.RequiresGrad || (!noGradB && b is not null && b.RequiresGrad);
        if (_count == _nodes.Length) Array.Resize(ref _nodes, _nodes.Length * 2);
        ref Node node = ref _nodes[_count];
        Tensor? o = _count < _capacityUsed ? node.Out : null;
        if (o is null || o.Rows != rows || o.Cols != cols || o.RequiresGrad != grad)
        {
            o = new Tensor(rows, cols, grad);
        }
        else if (grad)
        {
            o.ZeroGrad();
        }
        node.Op = op;
        node.Out = o;
        node.A = a;
        node.B = b;
        node.C = c;
        node.S = s;
        node.I = i;
        _count++;
        if (_count > _capacityUsed) _capacityUsed = _count;
        return o;
    }
}
