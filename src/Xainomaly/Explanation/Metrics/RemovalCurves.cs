namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// Exclusion and inclusion curves (see <see cref="RemovalCurveResult"/>). "Removed" features take the background's
/// values: the masked row's output is the value function v_x(S) over the kept set S, the same interventional
/// expectation the Shapley values are defined with, and the row counts as anomalous when v_x(S) &gt; τ.
/// </summary>
public static class RemovalCurves
{
    /// <summary>Measures both curves for the rows of <paramref name="explanations"/>.</summary>
    /// <param name="explanations">The method's explanations (their data are the rows).</param>
    /// <param name="score">Value function of the detector's anomaly score over the background.</param>
    /// <param name="threshold">τ: anomalous when the (masked) score exceeds it.</param>
    /// <param name="labels">1 = anomalous per row; null = measure agreement with the detector's decision on the unmasked rows.</param>
    /// <param name="probability">Value function of Pr(anomalous | x) for the log-odds curves; null to skip them.</param>
    public static RemovalCurveResult Measure(ExplanationSet explanations, ValueFunction score, double threshold, IReadOnlyList<int>? labels = null, ValueFunction? probability = null)
    {
        ArgumentNullException.ThrowIfNull(explanations);
        ArgumentNullException.ThrowIfNull(score);
        int d = explanations.Width, n = explanations.Count;
        if (score.Width != d) throw new ArgumentException($"The explanations have {d} features but the score function takes {score.Width}.", nameof(score));
        if (probability is not null && probability.Width != d) throw new ArgumentException($"The explanations have {d} features but the probability function takes {probability.Width}.", nameof(probability));
        if (labels is not null && labels.Count < n) throw new ArgumentException($"{labels.Count} labels for {n} explained rows; expected one per row.", nameof(labels));
        int points = d + 1;
        // Coalitions 0..d exclude the top k features, d+1..2d+1 keep only them.
        var masks = new byte[2 * points * d];
        var values = new double[2 * points];
        var probs = new double[2 * points];
        var order = new int[d];
        var exAcc = new double[points];
        var inAcc = new double[points];
        var exOut = new double[points];
        var inOut = new double[points];
        var exLog = probability is null ? null : new double[points];
        var inLog = probability is null ? null : new double[points];
        for (int r = 0; r < n; r++)
        {
            var x = explanations.Data.AsSpan(r * d, d);
            FeatureRanking.Rank(explanations.ValuesOf(r), order);
            for (int k = 0; k < points; k++)
            {
                var ex = masks.AsSpan(k * d, d);
                var inc = masks.AsSpan((points + k) * d, d);
                ex.Fill(1);
                inc.Clear();
                for (int t = 0; t < k; t++)
                {
                    ex[order[t]] = 0;
                    inc[order[t]] = 1;
                }
            }
            score.Evaluate(x, masks, 2 * points, values);
            // values[0] is v(N) = f(x): the unmasked decision.
            int truth = labels is null ? (values[0] > threshold ? 1 : 0) : labels[r];
            for (int k = 0; k < points; k++)
            {
                if ((values[k] > threshold ? 1 : 0) == truth) exAcc[k]++;
                if ((values[points + k] > threshold ? 1 : 0) == truth) inAcc[k]++;
                exOut[k] += values[k];
                inOut[k] += values[points + k];
            }
            if (probability is not null)
            {
                probability.Evaluate(x, masks, 2 * points, probs);
                double p0 = probs[0];
                bool anomalous = p0 > 0.5;
                for (int k = 0; k < points; k++)
                {
                    exLog![k] -= LogOdds.Ratio(probs[k], p0, anomalous);
                    inLog![k] -= LogOdds.Ratio(probs[points + k], p0, anomalous);
                }
            }
        }
        var kappa = new double[points];
        for (int k = 0; k < points; k++)
        {
            kappa[k] = (double)k / d;
            if (n == 0) continue;
            exAcc[k] /= n;
            inAcc[k] /= n;
            exOut[k] /= n;
            inOut[k] /= n;
            if (exLog is not null)
            {
                exLog[k] /= n;
                inLog![k] /= n;
            }
        }
        return new RemovalCurveResult(explanations.Method, n, kappa, exAcc, inAcc, exOut, inOut, exLog, inLog, labels is not null);
    }

    /// <summary>Trapezoid area of equally spaced points over [0, 1].</summary>
    internal static double Trapezoid(ReadOnlySpan<double> y)
    {
        if (y.Length < 2) return 0;
        double s = 0;
        for (int i = 1; i < y.Length; i++) s += (y[i - 1] + y[i]) / 2;
        return s / (y.Length - 1);
    }
}
