using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Reporting;

namespace Xainomaly.Cli;

/// <summary>The figures commands write with <c>--plots DIR</c> (PNG and SVG of each).</summary>
internal static class Plots
{
    /// <summary>Fig. 5 curves, Fig. 6 distributions and ROC/PR of a trained model on its test split; returns the files written.</summary>
    public static List<string> ForTraining(string dir, KpiTable table, ExperimentResult result)
    {
        var files = new List<string>();
        string kind = result.Model.Info.Kind;
        var points = result.History.Select(h => new DetectionFigures.CurvePoint(h.Step, h.Loss, h.ValidationLoss, h.ValidationAccuracy))
            .Where(p => double.IsFinite(p.Loss)).ToList();
        if (points.Count > 0)
        {
            files.AddRange(DetectionFigures.Loss(kind, points).SaveBoth(dir, $"{kind}-loss"));
            if (DetectionFigures.Accuracy(kind, points) is { } acc) files.AddRange(acc.SaveBoth(dir, $"{kind}-accuracy"));
        }
        if (result.TestRows.Length == 0) return files;
        files.AddRange(DetectionFigures.Distributions($"{kind}: anomaly score on the test split", result.Model.Detector.ScoreDescription, result.TestScores, result.TestLabels, logX: false)
            .SaveBoth(dir, $"{kind}-score-distribution"));
        if (result.Model.Detector is IScoreComponents parts && parts.ComponentNames.Contains("re"))
        {
            var x = result.Model.Inputs(table, out _, result.TestRows);
            int m = parts.ComponentNames.Count;
            var all = new float[result.TestRows.Length * m];
            parts.Components(x, result.TestRows.Length, all);
            int reIndex = parts.ComponentNames.ToList().IndexOf("re");
            var re = new float[result.TestRows.Length];
            for (int i = 0; i < re.Length; i++) re[i] = all[i * m + reIndex];
            files.AddRange(DetectionFigures.Distributions($"{kind}: reconstruction error on the test split (log scale)", "reconstruction error ‖x − x̂‖²", re, result.TestLabels)
                .SaveBoth(dir, $"{kind}-reconstruction-error"));
        }
        var roc = RocCurve.Compute(result.TestLabels, result.TestScores, dropIntermediate: true);
        var pr = PrecisionRecallCurve.Compute(result.TestLabels, result.TestScores);
        files.AddRange(CurveChart.Roc($"{kind}: ROC on the test split", [new NamedCurve(kind, Roc: roc)]).SaveBoth(dir, $"{kind}-roc"));
        files.AddRange(CurveChart.PrecisionRecall($"{kind}: precision–recall on the test split", [new NamedCurve(kind, PrecisionRecall: pr)]).SaveBoth(dir, $"{kind}-precision-recall"));
        return files;
    }

    /// <summary>Fig. 7: every metric against the number of labels, one line per model.</summary>
    public static List<string> ForSweep(string dir, IReadOnlyList<SweepCell> cells, int allLabels)
    {
        var files = new List<string>();
        foreach (var (key, title, get) in new (string, string, Func<BinaryMetricsSummary, MetricSummary?>)[]
        {
            ("uar", "UAR", s => s.UnweightedAverageRecall), ("f1", "F1", s => s.F1), ("roc-auc", "ROC-AUC", s => s.RocAuc), ("accuracy", "accuracy", s => s.Accuracy),
        })
            files.AddRange(DetectionFigures.LabelBudget(title, cells, get, allLabels).SaveBoth(dir, $"labels-{key}"));
        return files;
    }
}
