using Xainomaly.Detection;

namespace Xainomaly.Adversarial;

/// <summary>
/// Jacobian-based saliency map attack (Papernot et al. 2016), an L0 attack: each step takes the Jacobian of the class
/// outputs, picks the pair of inputs whose change most raises the target class and lowers the other, moves both by
/// θ, and stops when the detector gives the target class or a share γ of the attackable inputs has changed.
/// </summary>
/// <remarks>
/// The class outputs are F₁ = score − τ and F₀ = −F₁ (for the MLP the score is its anomaly probability), so the
/// Jacobian has two rows with ∂F₀ = −∂F₁. For a pair (p, q) the saliency is α·|β| with α = ∂F_t/∂x_p + ∂F_t/∂x_q
/// and β = −α: it is largest for the two inputs with the largest |∂F_t/∂x|. Papernot's increasing and decreasing
/// maps are combined: each chosen input moves by θ in the direction that raises F_t. An input leaves the search
/// domain when it reaches the valid range (or the optional cap) in that direction.
/// </remarks>
public sealed class Jsma : IAdversarialAttack
{
    private readonly AttackTarget _target;

    /// <summary>A JSMA attack on <paramref name="detector"/> over the inputs <paramref name="mask"/> allows.</summary>
    /// <exception cref="NotSupportedException">The detector has no input gradient (Isolation Forest).</exception>
    /// <exception cref="ArgumentOutOfRangeException">θ is not positive or γ is outside (0, 1].</exception>
    public Jsma(IAnomalyDetector detector, FeatureMask mask, JsmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AttackTarget.CheckPositive(options.Theta, "theta");
        if (!(options.Gamma > 0 && options.Gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(options), options.Gamma, $"gamma must be in (0, 1] (got {options.Gamma}).");
        if (options.MaxChange is { } cap) AttackTarget.CheckPositive(cap, "max-change");
        if (options.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxIterations, "MaxIterations must be at least 1.");
        _target = AttackTarget.For(detector, mask, Method);
        Options = options;
        MaxFeatures = (int)Math.Floor(options.Gamma * mask.Count + 1e-9);
    }

    /// <summary>The settings.</summary>
    public JsmaOptions Options { get; }

    /// <summary>Most inputs changed per row: ⌊γ · attackable inputs⌋.</summary>
    public int MaxFeatures { get; }

    /// <inheritdoc />
    public string Method => "jsma";

    /// <inheritdoc />
    public AttackResult Generate(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, AttackGoal goal)
    {
        var run = _target.Start(rows, labels, count, goal);
        int d = _target.Width;
        var mask = _target.Mask;
        float theta = (float)Options.Theta;
        float cap = Options.MaxChange is { } c ? (float)c : float.PositiveInfinity;
        var changed = new bool[count * d];
        var changedCount = new int[count];
        var active = new List<int>();
        if (MaxFeatures > 0) active.AddRange(run.Attacked);
        var x = new float[Math.Max(1, active.Count) * d];
        var g = new float[x.Length];
        var t = new int[Math.Max(1, active.Count)];
        var s = new float[t.Length];
        for (int step = 0; step < Options.MaxIterations && active.Count > 0; step++)
        {
            int n = active.Count;
            var which = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(active);
            run.Gather(which, x);
            _target.Score(x.AsSpan(0, n * d), n, s);
            for (int k = 0; k < n; k++) t[k] = run.Targets[which[k]];
            _target.TargetOutputGradient(x.AsSpan(0, n * d), t, n, g);
            int kept = 0;
            for (int k = 0; k < n; k++)
            {
                int i = which[k];
                if (run.Reached(i, s[k])) continue;
                if (!StepRow(run, i, g.AsSpan(k * d, d), changed.AsSpan(i * d, d), ref changedCount[i], theta, cap)) continue;
                run.Iterations[i] = step + 1;
                which[kept++] = i;
            }
            active.RemoveRange(kept, n - kept);
        }
        return run.Finish(Method);
    }

    // One saliency step on row i; false when no input can move any more (the row is given up).
    private bool StepRow(AttackTarget.Run run, int i, ReadOnlySpan<float> grad, Span<bool> changed, ref int changedCount, float theta, float cap)
    {
        int d = _target.Width;
        int best = -1, second = -1;
        float bestG = 0, secondG = 0;
        bool full = changedCount >= MaxFeatures;
        foreach (int j in _target.Mask.Indices)
        {
            float gj = grad[j];
            if (gj == 0 || (full && !changed[j]) || !CanMove(run, i * d + j, gj, cap)) continue;
            float a = MathF.Abs(gj);
            if (a > bestG)
            {
                second = best;
                secondG = bestG;
                best = j;
                bestG = a;
            }
            else if (a > secondG)
            {
                second = j;
                secondG = a;
            }
        }
        if (best < 0) return false;
        // Two new inputs would exceed γ: keep the pair only when it fits the budget.
        if (second >= 0 && !changed[best] && !changed[second] && changedCount + 2 > MaxFeatures) second = -1;
        Move(run, i, best, d, grad[best], theta, cap, changed, ref changedCount);
        if (second >= 0) Move(run, i, second, d, grad[second], theta, cap, changed, ref changedCount);
        return true;
    }

    private static bool CanMove(AttackTarget.Run run, int at, float direction, float cap)
    {
        float clean = run.Clean[at], v = run.X[at];
        var (lo, hi) = AttackTarget.Bounds(clean);
        return direction > 0 ? v < Math.Min(hi, clean + cap) : v > Math.Max(lo, clean - cap);
    }

    private static void Move(AttackTarget.Run run, int i, int j, int d, float direction, float theta, float cap, Span<bool> changed, ref int changedCount)
    {
        int at = i * d + j;
        float clean = run.Clean[at];
        var (lo, hi) = AttackTarget.Bounds(clean);
        float v = run.X[at] + MathF.Sign(direction) * theta;
        v = Math.Clamp(v, Math.Max(lo, clean - cap), Math.Min(hi, clean + cap));
        run.X[at] = v;
        if (!changed[j] && v != clean)
        {
            changed[j] = true;
            changedCount++;
        }
    }
}
