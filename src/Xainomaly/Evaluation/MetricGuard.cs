using System.Diagnostics.CodeAnalysis;

namespace Xainomaly.Evaluation;

/// <summary>Argument checks shared by the metrics, so every metric words its complaints the same way.</summary>
internal static class MetricGuard
{
    public static void SameLength(int labels, int other, string otherName)
    {
        if (labels != other)
            throw new ArgumentException($"{otherName} has {other} entries but labels has {labels}; expected one per row.", otherName);
    }

    public static void NotEmpty(int n)
    {
        if (n == 0) throw new ArgumentException("labels is empty; a metric needs at least one row.", "labels");
    }

    public static void Threshold(double threshold)
    {
        if (double.IsNaN(threshold)) throw new ArgumentException("threshold is NaN; expected a number.", nameof(threshold));
    }

    [DoesNotReturn]
    public static void ThrowBadLabel(int index, int value) =>
        throw new ArgumentException($"labels[{index}] is {value}; expected 0 (normal) or 1 (anomaly).", "labels");

    [DoesNotReturn]
    public static void ThrowNaNScore(int index) =>
        throw new ArgumentException($"scores[{index}] is NaN; expected a number (higher = more abnormal).", "scores");
}
