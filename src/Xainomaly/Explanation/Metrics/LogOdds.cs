namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// Log-odds (SPEC §3): −1/L Σ_i log(Pr(ŷ_i | x_i^(p)) / Pr(ŷ_i | x_i)), where x^(p) replaces feature p by the background
/// (the interventional mean over the background rows, as in the Shapley value function) and ŷ_i is the class the
/// probability predicts for x_i (anomalous when Pr &gt; 0.5). Positive = the feature supports the prediction.
/// Probabilities are clamped to [1e-7, 1 − 1e-7].
/// </summary>
public static class LogOdds
{
    private const double Floor = 1e-7;

    /// <summary>Log-odds of every feature over <paramref name="count"/> rows.</summary>
    /// <param name="probability">The value function of Pr(anomalous | x) over the background.</param>
    /// <param name="rows">Row-major rows.</param>
    /// <param name="count">Number of rows.</param>
    /// <returns>One value per feature.</returns>
    public static double[] PerFeature(ValueFunction probability, ReadOnlySpan<double> rows, int count)
    {
        ArgumentNullException.ThrowIfNull(probability);
        int d = probability.Width;
        if (rows.Length < count * d) throw new ArgumentException($"{rows.Length} values cannot hold {count} rows of {d} features.", nameof(rows));
        var masks = new byte[d * d];
        for (int p = 0; p < d; p++)
        {
            for (int j = 0; j < d; j++) masks[p * d + j] = (byte)(j == p ? 0 : 1);
        }
        var values = new double[d];
        var result = new double[d];
        for (int r = 0; r < count; r++)
        {
            var x = rows.Slice(r * d, d);
            double p0 = probability.Output(x);
            bool anomalous = p0 > 0.5;
            probability.Evaluate(x, masks, d, values);
            for (int p = 0; p < d; p++) result[p] -= Ratio(values[p], p0, anomalous);
        }
        if (count > 0) for (int p = 0; p < d; p++) result[p] /= count;
        return result;
    }

    /// <summary>log(Pr(ŷ | x') / Pr(ŷ | x)) for probabilities of the anomalous class.</summary>
    internal static double Ratio(double masked, double original, bool anomalous)
    {
        double a = Math.Clamp(anomalous ? masked : 1 - masked, Floor, 1 - Floor);
        double b = Math.Clamp(anomalous ? original : 1 - original, Floor, 1 - Floor);
        return Math.Log(a / b);
    }
}
