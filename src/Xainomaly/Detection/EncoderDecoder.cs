using System.Collections.Concurrent;
using System.Numerics.Tensors;

using Xainomaly.Numerics;

using Tensor = Xainomaly.Numerics.Tensor;

namespace Xainomaly.Detection;

/// <summary>
/// The inference side of an autoencoder with a head on its code: z = encoder(x) (a chain of stacks), x̂ = decoder(z),
/// logit = head(z). Gives RE = ‖x − x̂‖², ‖z‖₂ and σ(logit) per row, and the exact input gradient of any weighted sum
/// of the three. Shared by the vanilla AE, DeepAE and SLA-VAE (whose deterministic code is μ).
/// </summary>
/// <remarks>Safe to call concurrently from several threads (not while the weights are being trained).</remarks>
internal sealed class EncoderDecoder
{
    private readonly DenseStack[] _encoder;
    private readonly DenseStack _decoder;
    private readonly DenseStack _head;
    private readonly int _maxWidth;
    private readonly ConcurrentBag<Scratch> _pool = [];

    public EncoderDecoder(DenseStack[] encoder, DenseStack decoder, DenseStack head)
    {
        _encoder = encoder;
        _decoder = decoder;
        _head = head;
        InputWidth = encoder[0].Inputs;
        LatentWidth = encoder[^1].Outputs;
        if (decoder.Inputs != LatentWidth || decoder.Outputs != InputWidth || head.Inputs != LatentWidth || head.Outputs != 1)
            throw new ArgumentException("Encoder, decoder and head widths do not chain.");
        int max = Math.Max(decoder.MaxWidth, head.MaxWidth);
        foreach (DenseStack s in encoder) max = Math.Max(max, s.MaxWidth);
        _maxWidth = max;
    }

    public int InputWidth { get; }

    public int LatentWidth { get; }

    /// <summary>Maximum worker threads for batches of several blocks.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Records the trainable forward pass: returns (z, x̂, logit).</summary>
    public (Tensor Z, Tensor Reconstruction, Tensor Logit) Forward(Tape tape, Tensor x, bool frozen)
    {
        Tensor z = x;
        foreach (DenseStack s in _encoder) z = s.Forward(tape, z, frozen);
        return (z, _decoder.Forward(tape, z, frozen), _head.Forward(tape, z, frozen));
    }

    public void Score(ReadOnlySpan<float> rows, int count, Span<float> re, Span<float> latentNorm, Span<float> probability)
    {
        NetworkRuntime.CheckBatch(InputWidth, rows, count, re, latentNorm, probability);
        if (count == 0) return;
        int d = InputWidth;
        unsafe
        {
            fixed (float* px = rows, pre = re, pz = latentNorm, pp = probability)
            {
                nint ax = (nint)px, are = (nint)pre, az = (nint)pz, ap = (nint)pp;
                bool hasRe = !re.IsEmpty, hasZ = !latentNorm.IsEmpty, hasP = !probability.IsEmpty;
                NetworkRuntime.ForBlocks(count, MaxDegreeOfParallelism, (start, n) =>
                {
                    Scratch s = Rent(n);
                    var x = new ReadOnlySpan<float>((float*)ax + ((long)start * d), n * d);
                    ScoreBlock(x, n, s,
                        hasRe ? new Span<float>((float*)are + start, n) : default,
                        hasZ ? new Span<float>((float*)az + start, n) : default,
                        hasP ? new Span<float>((float*)ap + start, n) : default);
                    _pool.Add(s);
                });
            }
        }
    }

    public void InputGradient(ReadOnlySpan<float> rows, int count, float reWeight, float latentWeight, float headWeight, Span<float> gradient)
    {
        int d = InputWidth;
        NetworkRuntime.CheckBatch(d, rows, count, default, default, default);
        if (gradient.Length < (long)count * d) throw new ArgumentException($"gradient has {gradient.Length} values, {count} rows need {(long)count * d}.", nameof(gradient));
        if (count == 0) return;
        unsafe
        {
            fixed (float* px = rows, pg = gradient)
            {
                nint ax = (nint)px, ag = (nint)pg;
                NetworkRuntime.ForBlocks(count, MaxDegreeOfParallelism, (start, n) =>
                {
                    Scratch s = Rent(n);
                    GradientBlock(new ReadOnlySpan<float>((float*)ax + ((long)start * d), n * d), n, s, reWeight, latentWeight, headWeight,
                        new Span<float>((float*)ag + ((long)start * d), n * d));
                    _pool.Add(s);
                });
            }
        }
    }

    private void ScoreBlock(ReadOnlySpan<float> x, int n, Scratch s, Span<float> re, Span<float> zn, Span<float> prob)
    {
        int d = InputWidth, k = LatentWidth;
        ReadOnlySpan<float> h = x;
        for (int e = 0; e < _encoder.Length; e++)
        {
            // Chain outputs alternate between H and Z so that the last one lands in Z.
            float[] dst = ((_encoder.Length - 1 - e) & 1) == 0 ? s.Z : s.H;
            _encoder[e].Infer(h, n, s.A, s.B, dst);
            h = dst.AsSpan(0, n * _encoder[e].Outputs);
        }
        Span<float> z = s.Z.AsSpan(0, n * k);
        if (!re.IsEmpty)
        {
            _decoder.Infer(z, n, s.A, s.B, s.Xh);
            for (int i = 0; i < n; i++) re[i] = Kernels.SquaredDistance(s.Xh.AsSpan(i * d, d), x.Slice(i * d, d));
        }
        if (!zn.IsEmpty)
        {
            for (int i = 0; i < n; i++) zn[i] = MathF.Sqrt(TensorPrimitives.SumOfSquares(z.Slice(i * k, k)));
        }
        if (!prob.IsEmpty)
        {
            _head.Infer(z, n, s.A, s.B, s.Logit);
            TensorPrimitives.Sigmoid(s.Logit.AsSpan(0, n), prob[..n]);
        }
    }

    // The sum over rows of reWeight·RE + latentWeight·‖z‖ + headWeight·σ(logit) is recorded on a tape whose only leaf
    // is the input; each row's term depends on that row alone, so ∂(sum)/∂xᵢ is row i's gradient. ‖z‖ enters as
    // ⟨c, z⟩ with c = latentWeight·z/‖z‖ held constant, which has the same first derivative (0 at z = 0).
    private void GradientBlock(ReadOnlySpan<float> x, int n, Scratch s, float reWeight, float latentWeight, float headWeight, Span<float> dx)
    {
        int d = InputWidth, k = LatentWidth;
        if (reWeight == 0f && latentWeight == 0f && headWeight == 0f)
        {
            dx.Clear();
            return;
        }
        Tensor xl = s.Input(n, d);
        x.CopyTo(xl.Data);
        xl.ZeroGrad();
        Tape tape = s.Tape;
        tape.Reset();
        var (z, xh, logit) = Forward(tape, xl, frozen: true);
        Tensor? total = null;
        if (reWeight != 0f) total = tape.Scale(tape.Sum(tape.Square(tape.Subtract(xh, xl))), reWeight);
        if (latentWeight != 0f)
        {
            Tensor c = s.Constant(n, k);
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> zi = z.Data.AsSpan(i * k, k);
                Span<float> ci = c.Data.AsSpan(i * k, k);
                float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(zi));
                if (norm > 0f) TensorPrimitives.Multiply(zi, latentWeight / norm, ci);
                else ci.Clear();
            }
            Tensor t = tape.Sum(tape.Multiply(z, c));
            total = total is null ? t : tape.Add(total, t);
        }
        if (headWeight != 0f)
        {
            Tensor t = tape.Scale(tape.Sum(tape.Sigmoid(logit)), headWeight);
            total = total is null ? t : tape.Add(total, t);
        }
        tape.Backward(total!);
        xl.Grad.AsSpan(0, n * d).CopyTo(dx);
    }

    // Scratch sized to the block, so that scoring a few rows does not allocate for 4,096.
    private Scratch Rent(int rows)
    {
        while (_pool.TryTake(out Scratch? s))
        {
            if (s.Capacity >= rows) return s;
        }
        return new Scratch(Math.Max(rows, 1), _maxWidth, InputWidth, LatentWidth);
    }

    private sealed class Scratch(int capacity, int maxWidth, int d, int k)
    {
        public int Capacity => capacity;

        private Tensor? _input;
        private Tensor? _constant;

        public float[] A { get; } = new float[capacity * maxWidth];

        public float[] B { get; } = new float[capacity * maxWidth];

        public float[] H { get; } = new float[capacity * maxWidth];

        public float[] Z { get; } = new float[capacity * k];

        public float[] Xh { get; } = new float[capacity * d];

        public float[] Logit { get; } = new float[capacity];

        public Tape Tape { get; } = new();

        // Tensors of exactly n rows (a tape input must match its shape); reused while n stays the same.
        public Tensor Input(int n, int cols) => _input is { } t && t.Rows == n ? t : (_input = new Tensor(n, cols, requiresGrad: true));

        public Tensor Constant(int n, int cols) => _constant is { } t && t.Rows == n ? t : (_constant = new Tensor(n, cols));
    }
}
