using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Adversarial;

/// <summary>
/// Projected gradient descent in L∞ (Madry et al. 2018): from a random point of the ε-ball, repeated steps
/// x ← Π(x + α·sign(∇ₓJ(x, y))), where Π projects onto the ε-ball around the clean row intersected with the valid
/// scaled range, over the inputs the mask allows.
/// </summary>
public sealed class Pgd : IAdversarialAttack
{
    private readonly AttackTarget _target;

    /// <summary>A PGD attack on <paramref name="detector"/> over the inputs <paramref name="mask"/> allows.</summary>
    /// <exception cref="NotSupportedException">The detector has no input gradient (Isolation Forest).</exception>
    /// <exception cref="ArgumentOutOfRangeException">ε, α or the number of steps is not positive.</exception>
    public Pgd(IAnomalyDetector detector, FeatureMask mask, PgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AttackTarget.CheckPositive(options.Epsilon, "epsilon");
        if (options.StepSize is { } a) AttackTarget.CheckPositive(a, "step-size");
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"steps must be at least 1 (got {options.Steps}).");
        _target = AttackTarget.For(detector, mask, Method);
        Options = options;
    }

    /// <summary>The settings.</summary>
    public PgdOptions Options { get; }

    /// <inheritdoc />
    public string Method => "pgd";

    /// <inheritdoc />
    public AttackResult Generate(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, AttackGoal goal)
    {
        var run = _target.Start(rows, labels, count, goal);
        int d = _target.Width;
        var mask = _target.Mask;
        float eps = (float)Options.Epsilon;
        float alpha = (float)(Options.StepSize ?? Options.Epsilon / 4);
        var rng = new Rng(Options.Seed);
        if (Options.RandomStart)
        {
            foreach (int i in run.Attacked)
                foreach (int j in mask.Indices)
                    Project(run, i, j, d, eps, run.Clean[i * d + j] + (float)rng.Uniform(-eps, eps));
        }
        var active = new List<int>(run.Attacked);
        var x = new float[Math.Max(1, active.Count) * d];
        var g = new float[x.Length];
        var y = new int[Math.Max(1, active.Count)];
        var s = new float[y.Length];
        for (int step = 0; step < Options.Steps && active.Count > 0; step++)
        {
            int n = active.Count;
            var which = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(active);
            run.Gather(which, x);
            if (Options.StopOnSuccess && step > 0)
            {
                _target.Score(x.AsSpan(0, n * d), n, s);
                int kept = 0;
                for (int k = 0; k < n; k++)
                    if (!run.Reached(which[k], s[k])) which[kept++] = which[k];
                if (kept < n)
                {
                    active.RemoveRange(kept, n - kept);
                    n = kept;
                    if (n == 0) break;
                    which = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(active);
                    run.Gather(which, x);
                }
            }
            for (int k = 0; k < n; k++) y[k] = run.Labels[which[k]];
            _target.LossGradient(x.AsSpan(0, n * d), y, n, g, s);
            for (int k = 0; k < n; k++)
            {
                int i = which[k];
                foreach (int j in mask.Indices)
                    Project(run, i, j, d, eps, run.X[i * d + j] + alpha * MathF.Sign(g[k * d + j]));
                run.Iterations[i] = step + 1;
            }
        }
        return run.Finish(Method);
    }

    // Π: the ε-ball around the clean value intersected with the valid range.
    private static void Project(AttackTarget.Run run, int i, int j, int d, float eps, float value)
    {
        float clean = run.Clean[i * d + j];
        var (lo, hi) = AttackTarget.Bounds(clean);
        float v = Math.Clamp(value, clean - eps, clean + eps);
        run.X[i * d + j] = Math.Clamp(v, lo, hi);
    }
}
