using System.Buffers;

namespace Xainomaly.Evaluation;

/// <summary>
/// Scores sorted ascending with their labels, in pooled buffers. The ranking metrics walk it from the top
/// (highest score) down and emit one point per distinct score, which is how scikit-learn's
/// <c>_binary_clf_curve</c> treats ties: tied rows cross the threshold together.
/// </summary>
internal sealed class RankedScores : IDisposable
{
    private double[]? _scores;
    private byte[]? _positive;

    private RankedScores(double[] scores, byte[] positive, int length, long positives)
    {
        _scores = scores;
        _positive = positive;
        Length = length;
        Positives = positives;
    }

    public int Length { get; }

    public long Positives { get; }

    public long Negatives => Length - Positives;

    public ReadOnlySpan<double> Scores => _scores.AsSpan(0, Length);

    public ReadOnlySpan<byte> Positive => _positive.AsSpan(0, Length);

    public static RankedScores Create(ReadOnlySpan<int> labels, ReadOnlySpan<double> scores) => CreateCore(labels, scores);


    public static RankedScores Create(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores) => CreateCore(labels, scores);

    private static RankedScores CreateCore<T>(ReadOnlySpan<int> labels, ReadOnlySpan<T> scores)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        MetricGuard.SameLength(labels.Length, scores.Length, nameof(scores));
        MetricGuard.NotEmpty(labels.Length);
        int n = labels.Length;
        double[] keys = ArrayPool<double>.Shared.Rent(n);
        byte[] pos = ArrayPool<byte>.Shared.Rent(n);
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            T s = scores[i];
            if (T.IsNaN(s))
            {
                Release(keys, pos);
                MetricGuard.ThrowNaNScore(i);
            }
            int y = labels[i];
            if ((uint)y > 1)
            {
                Release(keys, pos);
                MetricGuard.ThrowBadLabel(i, y);
            }
            // float -> double is exact, so ties and order are those of the float scores.
            keys[i] = double.CreateChecked(s);
            pos[i] = (byte)y;
            positives += y;
        }
        Array.Sort(keys, pos, 0, n);
        return new RankedScores(keys, pos, n, positives);
    }

    /// <summary>Throws unless both classes occur; ranking metrics are undefined otherwise.</summary>
    public void RequireBothClasses(string metric)
    {
        if (Positives == 0 || Negatives == 0)
        {
            string only = Positives == 0 ? "0 (normal)" : "1 (anomaly)";
            throw new ArgumentException(
                $"{metric} is undefined when labels hold one class only: all {Length} labels are {only}; expected both 0 and 1.",
                "labels");
        }
    }

    /// <summary>Throws unless at least one positive occurs.</summary>
    public void RequirePositives(string metric)
    {
        if (Positives == 0)
            throw new ArgumentException($"{metric} is undefined without positives: all {Length} labels are 0; expected at least one 1.", "labels");
    }

    public void Dispose()
    {
        if (_scores is not null) ArrayPool<double>.Shared.Return(_scores);
        if (_positive is not null) ArrayPool<byte>.Shared.Return(_positive);
        _scores = null;
        _positive = null;
    }

    private static void Release(double[] keys, byte[] pos)
    {
        ArrayPool<double>.Shared.Return(keys);
        ArrayPool<byte>.Shared.Return(pos);
    }
}
