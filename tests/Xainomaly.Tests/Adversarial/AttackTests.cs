using FsCheck;
using FsCheck.Xunit;

using Xainomaly.Adversarial;
using Xainomaly.Detection;

namespace Xainomaly.Tests.Adversarial;

public sealed class AttackTests
{
    private const int D = 6;

    // Central finite difference of J(x, y) = BCE of the MLP's probability, in double from float scores; NaN where the
    // one-sided differences disagree in sign (a ReLU kink lies within h, so the derivative is not defined there).
    private static double[] FiniteDifferenceOfBce(IAnomalyDetector det, float[] x, int label)
    {
        const float H = 1e-3f;
        var g = new double[x.Length];
        var s = new float[1];
        for (int j = 0; j < x.Length; j++)
        {
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[j] += H;
            minus[j] -= H;
            det.Score(plus, 1, s);
            double jp = Bce(s[0], label);
            det.Score(minus, 1, s);
            double jm = Bce(s[0], label);
            det.Score(x, 1, s);
            double j0 = Bce(s[0], label);
            g[j] = Math.Sign(jp - j0) == Math.Sign(j0 - jm) ? (jp - jm) / (2 * H) : double.NaN;
        }
        return g;
    }

    private static double Bce(float p, int y) => y == 1 ? -Math.Log(p) : -Math.Log(1 - p);

    [Fact]
    public void FgsmStepIsEpsilonTimesSignOfFiniteDifferenceGradient()
    {
        var det = TinyModels.Mlp(D, seed: 3);
        const int N = 20;
        var x = TinyModels.Rows(N, D, seed: 5);
        var y = new int[N];
        for (int i = 0; i < N; i++) y[i] = i % 2;
        const double Eps = 0.05;
        var result = new Fgsm(det, FeatureMask.All(D), new FgsmOptions(Eps)).Generate(x, y, N, AttackGoal.Both);
        int checkedSigns = 0;
        for (int i = 0; i < N; i++)
        {
            var row = x.AsSpan(i * D, D).ToArray();
            var fd = FiniteDifferenceOfBce(det, row, y[i]);
            for (int j = 0; j < D; j++)
            {
                double step = result.Adversarial[i * D + j] - row[j];
                if (double.IsNaN(fd[j]) || Math.Abs(fd[j]) < 1e-3) continue;
                Assert.True(Math.Abs((Eps * Math.Sign(fd[j])) - step) < 1e-5, $"row {i} feature {j}: finite difference {fd[j]}, step {step}, label {y[i]}");
                checkedSigns++;
            }
        }
        Assert.True(checkedSigns > N * D / 2, $"only {checkedSigns} gradient components were large enough to check");
    }

    [Fact]
    public void FgsmOnAScoreAgainstTauStepsAlongTheExactGradient()
    {
        double[] a = [1, -2, 0.5, 0, 3, -1];
        double[] b = [0.5, 0.5, -2, 1, 0, 0];
        var det = new QuadraticDetector(a, b, threshold: 1.0);
        var x = TinyModels.Rows(4, D, seed: 9);
        int[] y = [1, 0, 1, 0];
        var result = new Fgsm(det, FeatureMask.All(D), new FgsmOptions(0.1)).Generate(x, y, 4, AttackGoal.Both);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < D; j++)
            {
                double grad = a[j] + (2 * b[j] * x[i * D + j]);
                // Anomalies (y = 1) descend the score, normal rows ascend it.
                double expected = 0.1 * Math.Sign(grad) * (y[i] == 1 ? -1 : 1);
                Assert.Equal(expected, result.Adversarial[i * D + j] - x[i * D + j], 5);
            }
    }

    [Fact]
    public void TargetedFgsmRaisesTheTargetClassOutput()
    {
        var det = TinyModels.Mlp(D, seed: 11);
        const int N = 40;
        var x = TinyModels.Rows(N, D, seed: 12);
        var y = new int[N]; // all normal: the alarm goal targets class 1
        var result = new Fgsm(det, FeatureMask.All(D), new FgsmOptions(0.02, Targeted: true)).Generate(x, y, N, AttackGoal.Alarm);
        int raised = 0;
        for (int i = 0; i < N; i++) if (result.ScoresAfter[i] > result.ScoresBefore[i]) raised++;
        Assert.Equal(N, raised);

        // And towards class 0 for anomalies (evasion): the score (class-1 output) falls.
        Array.Fill(y, 1);
        var evade = new Fgsm(det, FeatureMask.All(D), new FgsmOptions(0.02, Targeted: true)).Generate(x, y, N, AttackGoal.Evade);
        for (int i = 0; i < N; i++) Assert.True(evade.ScoresAfter[i] < evade.ScoresBefore[i]);
    }

    [Fact]
    public void GoalsAttackOnlyTheirSourceClass()
    {
        var det = TinyModels.Mlp(D, seed: 2);
        var x = TinyModels.Rows(6, D, seed: 4);
        int[] y = [0, 1, -1, 1, 0, 0];
        var evade = new Pgd(det, FeatureMask.All(D), new PgdOptions(0.1, Seed: 1)).Generate(x, y, 6, AttackGoal.Evade);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(y[i] == 1, evade.Rows[i].Attacked);
            if (!evade.Rows[i].Attacked) Assert.True(x.AsSpan(i * D, D).SequenceEqual(evade.Adversarial.AsSpan(i * D, D)));
        }
        var alarm = new Jsma(det, FeatureMask.All(D), new JsmaOptions(0.1, 1.0)).Generate(x, y, 6, AttackGoal.Alarm);
        for (int i = 0; i < 6; i++) Assert.Equal(y[i] == 0, alarm.Rows[i].Attacked);
    }

    [Property(MaxTest = 60)]
    public bool PgdStaysInTheEpsilonBallAndTheValidRange(int seed, PositiveInt steps, bool randomStart)
    {
        var rng = new Xainomaly.Numerics.Rng(seed);
        double eps = 0.01 + (0.4 * rng.NextDouble());
        const int N = 8;
        // Some clean values sit outside [0, 1] (out of the training range): they must not be pulled further out.
        var x = TinyModels.Rows(N, D, seed, lo: -0.2f, hi: 1.2f);
        var y = new int[N];
        for (int i = 0; i < N; i++) y[i] = rng.NextInt(2);
        var det = TinyModels.Mlp(D, seed);
        var pgd = new Pgd(det, FeatureMask.All(D), new PgdOptions(eps, StepSize: eps * (0.1 + rng.NextDouble()), Steps: 1 + (steps.Get % 15), RandomStart: randomStart, StopOnSuccess: rng.NextInt(2) == 0, Seed: seed));
        var r = pgd.Generate(x, y, N, AttackGoal.Both);
        for (int k = 0; k < x.Length; k++)
        {
            float clean = x[k], adv = r.Adversarial[k];
            if (Math.Abs(adv - clean) > eps + 1e-6) return false;
            if (adv < Math.Min(0f, clean) || adv > Math.Max(1f, clean)) return false;
        }
        return true;
    }

    [Property(MaxTest = 60)]
    public bool JsmaNeverChangesMoreThanGammaTimesTheFeatures(int seed, PositiveInt gammaTenths)
    {
        double gamma = Math.Min(1.0, (gammaTenths.Get % 10 + 1) / 10.0);
        var rng = new Xainomaly.Numerics.Rng(seed);
        const int W = 10, N = 8;
        var x = TinyModels.Rows(N, W, seed, lo: 0f, hi: 1f);
        var y = new int[N];
        for (int i = 0; i < N; i++) y[i] = rng.NextInt(2);
        var det = TinyModels.Mlp(W, seed);
        var r = new Jsma(det, FeatureMask.All(W), new JsmaOptions(Theta: 0.05 + (0.5 * rng.NextDouble()), Gamma: gamma)).Generate(x, y, N, AttackGoal.Both);
        int max = (int)Math.Floor((gamma * W) + 1e-9);
        for (int i = 0; i < N; i++)
        {
            int changed = 0;
            for (int j = 0; j < W; j++) if (r.Adversarial[i * W + j] != x[i * W + j]) changed++;
            if (changed > max || r.Rows[i].L0 != changed) return false;
        }
        return true;
    }

    [Fact]
    public void JsmaChangesFewFeaturesAndFlipsRows()
    {
        var det = TinyModels.Mlp(D, seed: 21);
        const int N = 60;
        var x = TinyModels.Rows(N, D, seed: 22, lo: 0f, hi: 1f);
        var s = new float[N];
        det.Score(x, N, s);
        var y = new int[N];
        for (int i = 0; i < N; i++) y[i] = s[i] > det.Threshold ? 1 : 0; // every row correct before
        var r = new Jsma(det, FeatureMask.All(D), new JsmaOptions(0.2, 1.0)).Generate(x, y, N, AttackGoal.Both);
        Assert.True(r.SuccessRate > 0.5, $"success rate {r.SuccessRate}");
        foreach (var rec in r.Rows.Where(q => q.Success)) Assert.True(rec.Iterations >= 1);
    }

    [Theory]
    [InlineData("fgsm")]
    [InlineData("pgd")]
    [InlineData("jsma")]
    public void MaskedFeaturesNeverChange(string method)
    {
        var det = TinyModels.Mlp(D, seed: 31);
        var mask = new FeatureMask([true, false, true, false, false, true]);
        const int N = 30;
        var x = TinyModels.Rows(N, D, seed: 32, lo: 0f, hi: 1f);
        var y = new int[N];
        for (int i = 0; i < N; i++) y[i] = i % 2;
        var attack = new AttackSettings { Method = method, Epsilon = 0.3, Gamma = 1.0, Seed = 1 }.Create(det, mask);
        var r = attack.Generate(x, y, N, AttackGoal.Both);
        bool anyChange = false;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < D; j++)
            {
                if (!mask[j]) Assert.Equal(x[i * D + j], r.Adversarial[i * D + j]);
                else if (x[i * D + j] != r.Adversarial[i * D + j]) anyChange = true;
            }
        Assert.True(anyChange);
    }

    [Fact]
    public void BudgetsAndDetectorsWithoutGradientAreRefused()
    {
        var det = TinyModels.Mlp(D, seed: 1);
        var all = FeatureMask.All(D);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fgsm(det, all, new FgsmOptions(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pgd(det, all, new PgdOptions(-0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Jsma(det, all, new JsmaOptions(0.1, Gamma: 1.5)));
        var e = Assert.Throws<NotSupportedException>(() => new Fgsm(new NoGradientDetector(D), all, new FgsmOptions(0.1)));
        Assert.Contains("input gradient", e.Message);
        Assert.Throws<ArgumentException>(() => new Fgsm(det, FeatureMask.All(D + 1), new FgsmOptions(0.1)));
    }

    [Fact]
    public void SpearmanMatchesKnownValues()
    {
        Assert.Equal(1.0, AffectedFeatures.Spearman([1, 2, 3, 4], [10, 20, 30, 40])!.Value, 12);
        Assert.Equal(-1.0, AffectedFeatures.Spearman([1, 2, 3, 4], [4, 3, 2, 1])!.Value, 12);
        // Ties take average ranks: ranks a = (1.5, 1.5, 3, 4), b = (1, 2, 3, 4) → ρ = 0.9486832980505138.
        Assert.Equal(0.9486832980505138, AffectedFeatures.Spearman([5, 5, 7, 9], [1, 2, 3, 4])!.Value, 12);
        Assert.Null(AffectedFeatures.Spearman([1, 1, 1], [1, 2, 3]));
    }
}
