using System.Diagnostics;

namespace Xainomaly.Explanation;

/// <summary>Shared plumbing of the explainers: input checks and assembling the <see cref="ExplanationSet"/>.</summary>
internal static class ExplainerRun
{
    public static void CheckRows(ReadOnlySpan<double> rows, int count, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (rows.Length < count * width)
            throw new ArgumentException($"{rows.Length} values cannot hold {count} rows of {width} features.", nameof(rows));
    }

    public static double[] ToDouble(ReadOnlySpan<float> rows)
    {
        var d = new double[rows.Length];
        for (int i = 0; i < d.Length; i++) d[i] = rows[i];
        return d;
    }

    /// <summary>Runs <paramref name="explainRow"/> (x, φ) → f(x) over every row and packs the result.</summary>
    public static ExplanationSet Run(string method, ValueFunction v, ReadOnlySpan<double> rows, int count, Func<double[], double[], double> explainRow)
    {
        CheckRows(rows, count, v.Width);
        var clock = Stopwatch.StartNew();
        long before = v.Evaluations;
        int d = v.Width;
        double baseValue = v.BaseValue;
        var values = new double[count * d];
        var outputs = new double[count];
        var bases = new double[count];
        var gaps = new double[count];
        var data = rows[..(count * d)].ToArray();
        var x = new double[d];
        var phi = new double[d];
        for (int r = 0; r < count; r++)
        {
            data.AsSpan(r * d, d).CopyTo(x);
            Array.Clear(phi);
            double fx = explainRow(x, phi);
            phi.CopyTo(values, r * d);
            outputs[r] = fx;
            bases[r] = baseValue;
            double sum = 0;
            for (int j = 0; j < d; j++) sum += phi[j];
            gaps[r] = fx - baseValue - sum;
        }
        return new ExplanationSet
        {
            Method = method,
            FeatureNames = v.FeatureNames,
            Count = count,
            BaseValues = bases,
            Outputs = outputs,
            Values = values,
            Data = data,
            EfficiencyGaps = gaps,
            WallTime = clock.Elapsed,
            ModelEvaluations = v.Evaluations - before,
        };
    }
}
