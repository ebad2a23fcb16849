using Xainomaly.Detection;

namespace Xainomaly.Adversarial;

/// <summary>
/// Fast gradient sign method (Goodfellow et al. 2015): one step x* = clip(x + ε·sign(∇ₓJ(x, y))) over the inputs the
/// mask allows, clipped to the valid scaled range (J and the class outputs: see the remarks of the attack target).
/// </summary>
public sealed class Fgsm : IAdversarialAttack
{
    private const int Block = 1024;
    private readonly AttackTarget _target;

    /// <summary>An FGSM attack on <paramref name="detector"/> over the inputs <paramref name="mask"/> allows.</summary>
    /// <exception cref="NotSupportedException">The detector has no input gradient (Isolation Forest).</exception>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive.</exception>
    public Fgsm(IAnomalyDetector detector, FeatureMask mask, FgsmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AttackTarget.CheckPositive(options.Epsilon, "epsilon");
        _target = AttackTarget.For(detector, mask, Method);
        Options = options;
    }

    /// <summary>The settings.</summary>
    public FgsmOptions Options { get; }

    /// <inheritdoc />
    public string Method => "fgsm";

    /// <inheritdoc />
    public AttackResult Generate(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, AttackGoal goal)
    {
        var run = _target.Start(rows, labels, count, goal);
        int d = _target.Width;
        var mask = _target.Mask;
        float eps = (float)Options.Epsilon;
        var attacked = run.Attacked;
        var x = new float[Math.Min(Block, Math.Max(1, attacked.Length)) * d];
        var g = new float[x.Length];
        var y = new int[Block];
        var s = new float[Block];
        for (int start = 0; start < attacked.Length; start += Block)
        {
            int n = Math.Min(Block, attacked.Length - start);
            var which = attacked.AsSpan(start, n);
            run.Gather(which, x);
            for (int k = 0; k < n; k++) y[k] = Options.Targeted ? run.Targets[which[k]] : run.Labels[which[k]];
            _target.LossGradient(x.AsSpan(0, n * d), y, n, g, s);
            // Targeted: descend the target class's loss; untargeted: ascend the true class's loss.
            float direction = Options.Targeted ? -1f : 1f;
            for (int k = 0; k < n; k++)
            {
                int i = which[k];
                foreach (int j in mask.Indices)
                {
                    float clean = run.Clean[i * d + j];
                    var (lo, hi) = AttackTarget.Bounds(clean);
                    run.X[i * d + j] = Math.Clamp(clean + direction * eps * MathF.Sign(g[k * d + j]), lo, hi);
                }
                run.Iterations[i] = 1;
            }
        }
        return run.Finish(Method);
    }
}
