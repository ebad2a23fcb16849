using System.Runtime.Intrinsics;

namespace Xainomaly.Numerics;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) in the PyTorch form: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε). Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8
/// (PyTorch's defaults; Keras uses ε = 1e-7 in a slightly different place).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;

    /// <summary>Creates the optimiser with zeroed moment estimates.</summary>
    public Adam(ParameterCollection parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        if (beta2 is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _m = new float[parameters.Count][];
        _v = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            _m[i] = new float[parameters[i].Length];
            _v[i] = new float[parameters[i].Length];
        }
    }

    /// <summary>First-moment decay β₁.</summary>
    public float Beta1 { get; }

    /// <summary>Second-moment decay β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    protected override void Update()
    {
        if (Parameters.Count != _m.Length) throw new InvalidOperationException("Parameters were added after the optimiser was created.");
        // Bias corrections in double: β₂ᵗ underflows float precision slowly but noticeably over 10⁴ steps.
        double t = Steps;
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(Beta1, t)));
        float invSqrtBc2 = (float)(1.0 / Math.Sqrt(1.0 - Math.Pow(Beta2, t)));
        for (int p = 0; p < _m.Length; p++)
            Apply(Parameters[p].Data, Parameters[p].Grad!, _m[p], _v[p], Beta1, Beta2, Epsilon, stepSize, invSqrtBc2);
    }

    private static void Apply(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float b1, float b2, float eps, float stepSize, float invSqrtBc2)
    {
        float c1 = 1f - b1, c2 = 1f - b2;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(b1);
            var vb2 = Vector256.Create(b2);
            var vc1 = Vector256.Create(c1);
            var vc2 = Vector256.Create(c2);
            var veps = Vector256.Create(eps);
            var vstep = Vector256.Create(stepSize);
            var vbc = Vector256.Create(invSqrtBc2);
            for (; i + 8 <= w.Length; i += 8)
            {
                var gi = Vector256.Create(g.Slice(i, 8));
                var mi = (vb1 * Vector256.Create(m.Slice(i, 8))) + (vc1 * gi);
                var vi = (vb2 * Vector256.Create(v.Slice(i, 8))) + (vc2 * (gi * gi));
                var wi = Vector256.Create(w.Slice(i, 8)) - (vstep * mi / ((Vector256.Sqrt(vi) * vbc) + veps));
                mi.CopyTo(m.Slice(i, 8));
                vi.CopyTo(v.Slice(i, 8));
                wi.CopyTo(w.Slice(i, 8));
            }
        }
        for (; i < w.Length; i++)
        {
            float gi = g[i];
            float mi = (b1 * m[i]) + (c1 * gi);
            float vi = (b2 * v[i]) + (c2 * (gi * gi));
            m[i] = mi;
            v[i] = vi;
            w[i] -= stepSize * mi / ((MathF.Sqrt(vi) * invSqrtBc2) + eps);
        }
    }
}
