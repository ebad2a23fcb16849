using Xainomaly.Detection;
using Xainomaly.Numerics;

namespace Xainomaly.Tests.Adversarial;

/// <summary>Small differentiable detectors with known gradients for the attack tests.</summary>
internal static class TinyModels
{
    /// <summary>A randomly initialised MLP d → 8 → 1 whose score is its anomaly probability (J = BCE).</summary>
    public static SemiSupervisedDetector Mlp(int width, long seed, double threshold = 0.5)
    {
        var net = new MlpClassifier(width, new MlpClassifierOptions { HiddenWidths = [8], Seed = seed, MaxDegreeOfParallelism = 1 });
        // Larger weights than the default init so that the probability moves visibly in [0, 1].
        for (int k = 0; k < net.Parameters.Count; k++)
        {
            var p = net.Parameters[k];
            for (int i = 0; i < p.Data.Length; i++) p.Data[i] *= 3f;
        }
        return new SemiSupervisedDetector(net, new ScoreMix("head", 0f, 1f, 1f), threshold);
    }

    /// <summary>Random rows in [lo, hi].</summary>
    public static float[] Rows(int count, int width, long seed, float lo = 0.2f, float hi = 0.8f)
    {
        var rng = new Rng(seed);
        var x = new float[count * width];
        for (int i = 0; i < x.Length; i++) x[i] = lo + ((hi - lo) * rng.NextSingle());
        return x;
    }
}

/// <summary>score(x) = Σ a_j x_j + b_j x_j² (not a probability, so J = (1 − 2y)(score − τ)); exact gradient.</summary>
internal sealed class QuadraticDetector(double[] a, double[] b, double threshold) : IAnomalyDetector, IInputGradient
{
    public string Kind => "quadratic";

    public int InputWidth => a.Length;

    public double Threshold => threshold;

    public string ScoreDescription => "Σ a x + b x²";

    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores)
    {
        int d = a.Length;
        for (int i = 0; i < count; i++)
        {
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                double x = rows[i * d + j];
                s += (a[j] * x) + (b[j] * x * x);
            }
            scores[i] = (float)s;
        }
    }

    public void ScoreGradient(ReadOnlySpan<float> rows, int count, Span<float> gradient)
    {
        int d = a.Length;
        for (int i = 0; i < count; i++)
            for (int j = 0; j < d; j++) gradient[i * d + j] = (float)(a[j] + (2 * b[j] * rows[i * d + j]));
    }

    public void Write(BinaryWriter writer) => throw new NotSupportedException();
}

/// <summary>A detector without input gradient (as the Isolation Forest).</summary>
internal sealed class NoGradientDetector(int width) : IAnomalyDetector
{
    public string Kind => "iforest";

    public int InputWidth => width;

    public double Threshold => 0.5;

    public string ScoreDescription => "none";

    public void Score(ReadOnlySpan<float> rows, int count, Span<float> scores) => scores[..count].Clear();

    public void Write(BinaryWriter writer) => throw new NotSupportedException();
}
