namespace Xainomaly.Evaluation;

/// <summary>Mean ± sample standard deviation of every figure of several <see cref="BinaryMetrics"/> (one per seed).</summary>
/// <param name="Accuracy">Accuracy over the runs.</param>
/// <param name="Precision">Precision over the runs.</param>
/// <param name="Recall">Recall over the runs.</param>
/// <param name="F1">F1 over the runs.</param>
/// <param name="UnweightedAverageRecall">UAR over the runs.</param>
/// <param name="RocAuc">ROC-AUC over the runs; null unless every run has one.</param>
/// <param name="AveragePrecision">Average precision over the runs; null unless every run has one.</param>
public sealed record BinaryMetricsSummary(
    MetricSummary Accuracy,
    MetricSummary Precision,
    MetricSummary Recall,
    MetricSummary F1,
    MetricSummary UnweightedAverageRecall,
    MetricSummary? RocAuc,
    MetricSummary? AveragePrecision)
{
    /// <summary>Summarises the runs.</summary>
    /// <exception cref="ArgumentException">No runs.</exception>
    public static BinaryMetricsSummary Of(IReadOnlyList<BinaryMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("runs is empty; a summary needs at least one run.", nameof(runs));
        int n = runs.Count;
        var acc = new double[n];
        var prec = new double[n];
        var rec = new double[n];
        var f1 = new double[n];
        var uar = new double[n];
        var auc = new double[n];
        var ap = new double[n];
        bool allAuc = true, allAp = true;
        for (int i = 0; i < n; i++)
        {
            var r = runs[i] ?? throw new ArgumentException($"runs[{i}] is null.", nameof(runs));
            acc[i] = r.Accuracy;
            prec[i] = r.Precision;
            rec[i] = r.Recall;
            f1[i] = r.F1;
            uar[i] = r.UnweightedAverageRecall;
            allAuc &= r.RocAuc.HasValue;
            allAp &= r.AveragePrecision.HasValue;
            auc[i] = r.RocAuc ?? double.NaN;
            ap[i] = r.AveragePrecision ?? double.NaN;
        }
        return new BinaryMetricsSummary(
            MetricSummary.Of(acc), MetricSummary.Of(prec), MetricSummary.Of(rec), MetricSummary.Of(f1), MetricSummary.Of(uar),
            allAuc ? MetricSummary.Of(auc) : null,
            allAp ? MetricSummary.Of(ap) : null);
    }
}
