using System.Diagnostics;

using Xainomaly.Detection;

namespace Xainomaly.Adversarial;

/// <summary>
/// The differentiable view of a detector that every gradient attack shares: the class outputs, the loss J and their
/// input gradients, the valid range, and the bookkeeping of a run.
/// </summary>
/// <remarks>
/// Class outputs: F₁(x) = score(x) − τ (the anomaly decision through the score and τ; for the MLP the score is its
/// anomaly probability) and F₀ = −F₁. Loss J(x, y): when the score is a probability (the MLP, or a head-only score),
/// the binary cross-entropy of that probability; otherwise the score relative to τ, J = (1 − 2y)·(score − τ), so that
/// raising J pushes an anomaly's score below τ and a normal row's above it.
/// </remarks>
internal sealed class AttackTarget
{
    private readonly IInputGradient _gradient;

    private AttackTarget(IAnomalyDetector detector, IInputGradient gradient, FeatureMask mask)
    {
        Detector = detector;
        _gradient = gradient;
        Mask = mask;
        Threshold = detector.Threshold;
        ScoreIsProbability = detector is SemiSupervisedDetector s && s.Mix.Coefficients is (0f, 0f, 1f);
        if (ScoreIsProbability && detector is SemiSupervisedDetector { Network: MlpClassifier mlp }) _logit = mlp;
    }

    // The MLP's logit gradient: σ'(logit) underflows where the probability saturates, which would mask the gradient.
    private readonly MlpClassifier? _logit;

    public IAnomalyDetector Detector { get; }

    public FeatureMask Mask { get; }

    public double Threshold { get; }

    public int Width => Detector.InputWidth;

    /// <summary>True when the score is the head's anomaly probability, so J is its cross-entropy.</summary>
    public bool ScoreIsProbability { get; }

    /// <summary>The target of <paramref name="method"/>; refuses detectors without an input gradient.</summary>
    public static AttackTarget For(IAnomalyDetector detector, FeatureMask mask, string method)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(mask);
        if (detector is not IInputGradient g)
            throw new NotSupportedException($"{method.ToUpperInvariant()} needs the detector's input gradient, and the {detector.Kind} detector has none (its score is piecewise constant in the inputs); attack a neural detector (ss-deepcae, mlp, an autoencoder) instead.");
        if (mask.Width != detector.InputWidth)
            throw new ArgumentException($"The feature mask covers {mask.Width} inputs but the {detector.Kind} detector takes {detector.InputWidth}.", nameof(mask));
        return new AttackTarget(detector, g, mask);
    }

    /// <summary>Checks a budget given in scaled units.</summary>
    public static void CheckPositive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive number in scaled units (got {value}).");
    }

    /// <summary>The class each row is pushed towards under <paramref name="goal"/> (−1 = not attacked).</summary>
    public static int TargetOf(int label, AttackGoal goal) => (label, goal) switch
    {
        (1, AttackGoal.Evade or AttackGoal.Both) => 0,
        (0, AttackGoal.Alarm or AttackGoal.Both) => 1,
        _ => -1,
    };

    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores) => Detector.Score(rows, count, scores);

    /// <summary>
    /// ∂F_t/∂x per row: (2t − 1)·∂score/∂x; for the MLP (score = σ(logit)) the logit's gradient, which has the same
    /// direction and ranking of inputs per row but does not vanish where the probability saturates.
    /// </summary>
    public void TargetOutputGradient(ReadOnlySpan<float> rows, ReadOnlySpan<int> targets, int count, Span<float> gradient)
    {
        int d = Width;
        if (_logit is not null) _logit.LogitGradient(rows, count, gradient);
        else _gradient.ScoreGradient(rows, count, gradient);
        for (int i = 0; i < count; i++)
        {
            if (targets[i] == 1) continue;
            var g = gradient.Slice(i * d, d);
            for (int j = 0; j < d; j++) g[j] = -g[j];
        }
    }

    /// <summary>∂J(x, y)/∂x per row, J as in the remarks; <paramref name="scores"/> receives each row's score.</summary>
    public void LossGradient(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, Span<float> gradient, Span<float> scores)
    {
        int d = Width;
        if (_logit is not null) _logit.LogitGradient(rows, count, gradient);
        else _gradient.ScoreGradient(rows, count, gradient);
        if (ScoreIsProbability) Score(rows, count, scores);
        for (int i = 0; i < count; i++)
        {
            float factor;
            if (_logit is not null)
            {
                // ∂BCE/∂x = (p − y)·∂logit/∂x, with p clamped so that a saturated row keeps its direction.
                float p = Math.Clamp(scores[i], 1e-6f, 1 - 1e-6f);
                factor = p - labels[i];
            }
            else if (ScoreIsProbability)
            {
                // ∂BCE/∂p = (p − y) / (p (1 − p)); clamped so that a saturated head still gives a direction.
                float p = Math.Clamp(scores[i], 1e-6f, 1 - 1e-6f);
                factor = (p - labels[i]) / (p * (1 - p));
            }
            else
            {
                factor = labels[i] == 1 ? -1f : 1f;
            }
            var g = gradient.Slice(i * d, d);
            for (int j = 0; j < d; j++) g[j] *= factor;
        }
    }

    /// <summary>J(x, y) per row (for tests and reports).</summary>
    public void Loss(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, Span<double> loss)
    {
        var s = new float[count];
        Score(rows, count, s);
        for (int i = 0; i < count; i++)
        {
            if (ScoreIsProbability)
            {
                double p = Math.Clamp(s[i], 1e-6, 1 - 1e-6);
                loss[i] = labels[i] == 1 ? -Math.Log(p) : -Math.Log(1 - p);
            }
            else
            {
                loss[i] = (labels[i] == 1 ? -1 : 1) * (s[i] - Threshold);
            }
        }
    }

    /// <summary>Lower and upper valid bound of an input: the scaled range [0, 1], widened to include the clean value.</summary>
    public static (float Lo, float Hi) Bounds(float clean) => (Math.Min(0f, clean), Math.Max(1f, clean));

    /// <summary>Starts a run: targets per row, clean scores, a copy of the rows to perturb.</summary>
    public Run Start(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int count, AttackGoal goal)
    {
        int d = Width;
        if (rows.Length < (long)count * d) throw new ArgumentException($"rows holds {rows.Length} values; {count} rows of {d} inputs need {(long)count * d}.", nameof(rows));
        if (labels.Length < count) throw new ArgumentException($"labels holds {labels.Length} values for {count} rows.", nameof(labels));
        var clock = Stopwatch.StartNew();
        var targets = new int[count];
        var attacked = new List<int>();
        for (int i = 0; i < count; i++)
        {
            if (labels[i] is < -1 or > 1) throw new ArgumentException($"Label {labels[i]} of row {i} is not 0, 1 or −1.", nameof(labels));
            targets[i] = TargetOf(labels[i], goal);
            if (targets[i] >= 0) attacked.Add(i);
        }
        var before = new float[count];
        Score(rows[..(count * d)], count, before);
        return new Run(this, rows[..(count * d)].ToArray(), labels[..count].ToArray(), targets, [.. attacked], before, goal, clock);
    }

    /// <summary>The state of one Generate call.</summary>
    internal sealed class Run(AttackTarget target, float[] clean, int[] labels, int[] targets, int[] attacked, float[] before, AttackGoal goal, Stopwatch clock)
    {
        public float[] Clean { get; } = clean;

        public float[] X { get; } = (float[])clean.Clone();

        public int[] Labels { get; } = labels;

        public int[] Targets { get; } = targets;

        /// <summary>Indices of the rows to attack.</summary>
        public int[] Attacked { get; } = attacked;

        public int[] Iterations { get; } = new int[labels.Length];

        /// <summary>Gathers rows <paramref name="which"/> of <see cref="X"/> into <paramref name="buffer"/>.</summary>
        public void Gather(ReadOnlySpan<int> which, Span<float> buffer)
        {
            int d = target.Width;
            for (int k = 0; k < which.Length; k++) X.AsSpan(which[k] * d, d).CopyTo(buffer.Slice(k * d, d));
        }

        /// <summary>True when the detector now puts row <paramref name="i"/> (score <paramref name="score"/>) in its target class.</summary>
        public bool Reached(int i, float score) => (score > target.Threshold ? 1 : 0) == Targets[i];

        /// <summary>Scores the adversarial rows and builds the result.</summary>
        public AttackResult Finish(string method)
        {
            int n = Labels.Length, d = target.Width;
            var after = new float[n];
            target.Score(X, n, after);
            var records = new AttackRecord[n];
            var changed = new List<int>();
            for (int i = 0; i < n; i++)
            {
                bool correct = (before[i] > target.Threshold ? 1 : 0) == Labels[i];
                if (Targets[i] < 0)
                {
                    records[i] = new AttackRecord(false, -1, correct, false, [], 0, 0);
                    continue;
                }
                changed.Clear();
                double linf = 0;
                for (int j = 0; j < d; j++)
                {
                    float delta = X[i * d + j] - Clean[i * d + j];
                    if (delta == 0) continue;
                    changed.Add(j);
                    linf = Math.Max(linf, Math.Abs(delta));
                }
                records[i] = new AttackRecord(true, Targets[i], correct, Reached(i, after[i]), [.. changed], linf, Iterations[i]);
            }
            clock.Stop();
            return new AttackResult(method, goal, d, X, records, before, after, target.Threshold, clock.Elapsed);
        }
    }
}
