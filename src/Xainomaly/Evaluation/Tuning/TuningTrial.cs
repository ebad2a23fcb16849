namespace Xainomaly.Evaluation.Tuning;

/// <summary>
/// One configuration's cross-validation: per fold, UAR, F1, precision (at the fold detector's τ) and ROC-AUC on the
/// fold's held-out budget labels; optionally the out-of-fold reconstruction errors for the depth study.
/// </summary>
/// <param name="Configuration">The configuration.</param>
/// <param name="Uar">UAR per fold.</param>
/// <param name="F1">F1 per fold.</param>
/// <param name="Precision">Precision per fold.</param>
/// <param name="RocAuc">ROC-AUC per fold (NaN where a fold lacks a class).</param>
/// <param name="Seconds">Training and scoring time summed over folds.</param>
/// <param name="Reused">Read from the cache instead of trained.</param>
/// <param name="ReconstructionErrors">Out-of-fold ‖x − x̂‖² of the budget's labelled rows (null unless kept).</param>
/// <param name="ReconstructionLabels">Labels of those rows.</param>
public sealed record TuningTrial(
    TuningConfiguration Configuration,
    double[] Uar,
    double[] F1,
    double[] Precision,
    double[] RocAuc,
    double Seconds,
    bool Reused,
    float[]? ReconstructionErrors = null,
    int[]? ReconstructionLabels = null)
{
    /// <summary>The per-fold values of <paramref name="objective"/>.</summary>
    public double[] Values(TuningObjective objective) => objective switch
    {
        TuningObjective.F1 => F1,
        TuningObjective.RocAuc => RocAuc,
        _ => Uar,
    };

    /// <summary>Mean over folds of <paramref name="objective"/>.</summary>
    public double Mean(TuningObjective objective) => MeanOf(Values(objective));

    /// <summary>Sample standard deviation over folds of <paramref name="objective"/>.</summary>
    public double Std(TuningObjective objective) => StdOf(Values(objective));

    /// <summary>Mean of <paramref name="v"/> (NaN when empty).</summary>
    public static double MeanOf(double[] v)
    {
        double s = 0;
        foreach (var x in v) s += x;
        return v.Length == 0 ? double.NaN : s / v.Length;
    }

    /// <summary>Sample standard deviation of <paramref name="v"/> (0 for fewer than two values).</summary>
    public static double StdOf(double[] v)
    {
        if (v.Length < 2) return 0;
        double m = MeanOf(v), s = 0;
        foreach (var x in v) s += (x - m) * (x - m);
        return Math.Sqrt(s / (v.Length - 1));
    }
}
