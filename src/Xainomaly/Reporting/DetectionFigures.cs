using Xainomaly.Evaluation;

namespace Xainomaly.Reporting;

/// <summary>The detection figures of the XAInomaly paper, built from training results: Fig. 5 (loss and accuracy
/// curves), Fig. 6 (reconstruction-error distributions), Fig. 7 (metric vs number of labels), plus ROC and PR curves.</summary>
public static class DetectionFigures
{
    /// <summary>One point of a training curve.</summary>
    /// <param name="Step">Optimiser step.</param>
    /// <param name="Loss">Mean training loss since the previous point.</param>
    /// <param name="ValidationLoss">Loss on the held-back labelled rows, if any.</param>
    /// <param name="ValidationAccuracy">Accuracy on the held-back labelled rows, if any.</param>
    public sealed record CurvePoint(double Step, double Loss, double? ValidationLoss, double? ValidationAccuracy);

    /// <summary>Training and validation loss against steps (Fig. 5, left).</summary>
    public static LineChart Loss(string model, IReadOnlyList<CurvePoint> points)
    {
        if (points.Count == 0) throw new ArgumentException("No training curve points to plot.", nameof(points));
        var series = new List<LineSeries> { new("training loss", [.. points.Select(p => p.Step)], [.. points.Select(p => p.Loss)]) };
        var v = points.Where(p => p.ValidationLoss is { } x && double.IsFinite(x)).ToList();
        if (v.Count > 0) series.Add(new LineSeries("validation loss", [.. v.Select(p => p.Step)], [.. v.Select(p => p.ValidationLoss!.Value)]));
        return new LineChart($"{model}: loss", "step", "loss", series) { ShowMarkers = false };
    }

    /// <summary>Validation accuracy against steps (Fig. 5, right); null when there were no validation rows.</summary>
    public static LineChart? Accuracy(string model, IReadOnlyList<CurvePoint> points)
    {
        var v = points.Where(p => p.ValidationAccuracy is { } x && double.IsFinite(x)).ToList();
        if (v.Count == 0) return null;
        return new LineChart($"{model}: validation accuracy", "step", "accuracy",
            [new LineSeries("validation accuracy (head p > 0.5)", [.. v.Select(p => p.Step)], [.. v.Select(p => p.ValidationAccuracy!.Value)])])
        { ShowMarkers = false, YRange = (0, 1) };
    }

    /// <summary>Distributions of a per-row quantity (e.g. reconstruction error) of normal vs anomalous rows (Fig. 6).</summary>
    public static OverlaidHistograms Distributions(string title, string quantity, IReadOnlyList<float> values, IReadOnlyList<int> labels, bool logX = true)
    {
        var normal = new List<double>();
        var anomalous = new List<double>();
        for (int i = 0; i < values.Count; i++) (labels[i] == 1 ? anomalous : normal).Add(values[i]);
        if (logX)
        {
            // A log axis needs positive values: floor at a tiny fraction of the smallest positive one.
            double floor = values.Where(v => v > 0).DefaultIfEmpty(1f).Min() * 0.5;
            for (int i = 0; i < normal.Count; i++) normal[i] = Math.Max(normal[i], floor);
            for (int i = 0; i < anomalous.Count; i++) anomalous[i] = Math.Max(anomalous[i], floor);
        }
        var groups = new List<HistogramGroup>();
        if (normal.Count > 0) groups.Add(new HistogramGroup($"normal ({normal.Count:N0})", normal));
        if (anomalous.Count > 0) groups.Add(new HistogramGroup($"anomalous ({anomalous.Count:N0})", anomalous));
        return new OverlaidHistograms(title, quantity, groups, 50, logX);
    }

    /// <summary>A metric (mean ± std over seeds) against the number of labels, one line per model (Fig. 7).</summary>
    public static LineChart LabelBudget(string metric, IReadOnlyList<SweepCell> cells, Func<BinaryMetricsSummary, MetricSummary?> select, int allLabelsCount)
    {
        var series = new List<LineSeries>();
        foreach (var g in cells.GroupBy(c => c.Model))
        {
            var pts = g.Select(c => (X: c.Budget == "all" ? allLabelsCount : double.Parse(c.Budget, System.Globalization.CultureInfo.InvariantCulture), S: select(c.Summary)))
                .Where(p => p.S is not null).OrderBy(p => p.X).ToList();
            if (pts.Count == 0) continue;
            series.Add(new LineSeries(g.Key, [.. pts.Select(p => p.X)], [.. pts.Select(p => p.S!.Mean)],
                [.. pts.Select(p => double.IsFinite(p.S!.StandardDeviation) ? p.S.StandardDeviation : 0)]));
        }
        return new LineChart($"{metric} vs number of labels (mean ± std over seeds; 'all' = {allLabelsCount:N0})", "labelled rows", metric, series);
    }
}
