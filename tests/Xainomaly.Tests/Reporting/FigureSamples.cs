using Xainomaly.Evaluation;
using Xainomaly.Numerics;
using Xainomaly.Reporting;

namespace Xainomaly.Tests.Reporting;

/// <summary>One seeded example of each figure type, shaped like the paper's figures, plus the names it must show.</summary>
internal static class FigureSamples
{
    public static readonly string[] Names =
    [
        "training-curves", "labels-sweep", "reconstruction-error", "roc", "precision-recall",
        "attack-bars", "ranked-features", "waterfall", "embedding", "shap-summary",
    ];

    public static (Figure Figure, string[] MustShow) Create(string name) => name switch
    {
        "training-curves" => (TrainingCurves(), ["Training of SS-DeepCAE", "reconstruction loss", "labelled accuracy"]),
        "labels-sweep" => (LabelsSweep(), ["UAR against labelled rows", "SS-DeepCAE", "MLP"]),
        "reconstruction-error" => (ReconstructionError(), ["Reconstruction error", "normal", "anomalous"]),
        "roc" => (Roc(), ["ROC on the test split", "SS-DeepCAE", "Isolation Forest", "AUC"]),
        "precision-recall" => (PrecisionRecall(), ["Precision-recall on the test split", "SS-DeepCAE", "AP"]),
        "attack-bars" => (AttackBars(), ["Accuracy under attack", "FGSM", "after defence"]),
        "ranked-features" => (RankedFeatures(), ["Mean |φ| per feature", "rsrq"]),
        "waterfall" => (Waterfall(), ["Row 4711", "other features", "f(x)"]),
        "embedding" => (Embedding(), ["2-D embedding of test rows", "normal", "jamming"]),
        "shap-summary" => (ShapSummary(), ["SHAP summary", "dl_bitrate", "high feature value"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such sample"),
    };

    public static readonly string[] Features =
    [
        "rsrp", "rsrq", "sinr", "cqi", "dl_bitrate", "ul_bitrate", "dl_prb", "ul_prb",
        "latency", "jitter", "packet_loss", "handover_count", "ta", "ri", "mcs",
    ];

    private static LineChart TrainingCurves()
    {
        var rng = new Rng(1);
        int n = 200;
        double[] step = new double[n], loss = new double[n], acc = new double[n];
        for (int i = 0; i < n; i++)
        {
            step[i] = i * 10;
            loss[i] = (0.9 * Math.Exp(-i / 40.0)) + 0.08 + (0.02 * rng.NextGaussian());
            acc[i] = 1 - (0.5 * Math.Exp(-i / 30.0)) - (0.03 * rng.NextDouble());
        }
        return new LineChart("Training of SS-DeepCAE", "step", "value",
            [new LineSeries("reconstruction loss", step, loss), new LineSeries("labelled accuracy", step, acc)]);
    }

    private static LineChart LabelsSweep()
    {
        double[] labels = [10, 20, 50, 100, 200, 500];
        return new LineChart("UAR against labelled rows", "labelled rows", "unweighted average recall",
        [
            new LineSeries("SS-DeepCAE", labels, [0.81, 0.86, 0.9, 0.93, 0.95, 0.96], [0.04, 0.03, 0.02, 0.015, 0.01, 0.008]),
            new LineSeries("MLP", labels, [0.62, 0.7, 0.79, 0.86, 0.9, 0.94], [0.06, 0.05, 0.04, 0.03, 0.02, 0.01]),
            new LineSeries("Isolation Forest", labels, [0.74, 0.74, 0.74, 0.74, 0.74, 0.74], [0.02, 0.02, 0.02, 0.02, 0.02, 0.02]),
        ])
        { YRange = (0.5, 1.0) };
    }

    public static (double[] Normal, double[] Anomalous) Errors()
    {
        var rng = new Rng(2);
        var normal = new double[5000];
        var anomalous = new double[400];
        for (int i = 0; i < normal.Length; i++) normal[i] = Math.Exp(rng.NextGaussian(-4, 0.6));
        for (int i = 0; i < anomalous.Length; i++) anomalous[i] = Math.Exp(rng.NextGaussian(-2, 0.8));
        return (normal, anomalous);
    }

    private static OverlaidHistograms ReconstructionError()
    {
        var (normal, anomalous) = Errors();
        return new OverlaidHistograms("Reconstruction error", "reconstruction error",
            [new HistogramGroup("normal", normal), new HistogramGroup("anomalous", anomalous)], bins: 60, logX: true);
    }

    public static (int[] Labels, double[] Good, double[] Weak) Scores()
    {
        var rng = new Rng(3);
        int n = 2000;
        var labels = new int[n];
        double[] good = new double[n], weak = new double[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.NextDouble() < 0.1 ? 1 : 0;
            good[i] = rng.NextGaussian(labels[i] * 2.0, 1);
            weak[i] = rng.NextGaussian(labels[i] * 0.8, 1);
        }
        return (labels, good, weak);
    }

    private static CurveChart Roc()
    {
        var (y, good, weak) = Scores();
        return CurveChart.Roc("ROC on the test split",
        [
            new NamedCurve("SS-DeepCAE", Roc: RocCurve.Compute(y, good, dropIntermediate: true)),
            new NamedCurve("Isolation Forest", Roc: RocCurve.Compute(y, weak, dropIntermediate: true)),
        ]);
    }

    private static CurveChart PrecisionRecall()
    {
        var (y, good, weak) = Scores();
        return CurveChart.PrecisionRecall("Precision-recall on the test split",
        [
            new NamedCurve("SS-DeepCAE", PrecisionRecall: PrecisionRecallCurve.Compute(y, good)),
            new NamedCurve("Isolation Forest", PrecisionRecall: PrecisionRecallCurve.Compute(y, weak)),
        ]);
    }

    private static BarChart AttackBars() => new("Accuracy under attack", "attack", "accuracy",
        ["FGSM", "PGD", "JSMA"],
        [
            new BarSeries("clean", [0.95, 0.95, 0.95], [0.01, 0.01, 0.01]),
            new BarSeries("under attack", [0.41, 0.22, 0.63], [0.04, 0.05, 0.03]),
            new BarSeries("after defence", [0.88, 0.81, 0.9], [0.02, 0.03, 0.02]),
        ]);

    private static BarChart RankedFeatures()
    {
        var rng = new Rng(4);
        var v = new double[Features.Length];
        for (int i = 0; i < v.Length; i++) v[i] = 0.2 * Math.Exp(-i / 3.0) * (0.8 + (0.4 * rng.NextDouble()));
        return BarChart.Ranked("Mean |φ| per feature", "mean |φ|", Features, v, top: 12);
    }

    public static WaterfallChart Waterfall()
    {
        var rng = new Rng(5);
        var phi = new double[Features.Length];
        var values = new double[Features.Length];
        for (int i = 0; i < phi.Length; i++)
        {
            phi[i] = rng.NextGaussian(0.02, 0.08) * Math.Exp(-i / 4.0);
            values[i] = Math.Round(rng.Uniform(-120, 60), 2);
        }
        return new WaterfallChart("Row 4711 — CS 0.82, EM 0.11", Features, phi, baseValue: 0.31, values);
    }

    private static ScatterChart Embedding()
    {
        var rng = new Rng(6);
        string[] kinds = ["normal", "coverage hole", "jamming", "congestion"];
        int[] sizes = [3000, 150, 150, 150];
        (double, double)[] centres = [(0, 0), (4, 3), (-4, 2.5), (1, -4)];
        var groups = new List<ScatterGroup>();
        for (int k = 0; k < kinds.Length; k++)
        {
            double[] x = new double[sizes[k]], y = new double[sizes[k]];
            double spread = k == 0 ? 1.6 : 0.7;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextGaussian(centres[k].Item1, spread);
                y[i] = rng.NextGaussian(centres[k].Item2, spread);
            }
            groups.Add(new ScatterGroup(kinds[k], x, y));
        }
        return new ScatterChart("2-D embedding of test rows", "component 1", "component 2", groups);
    }

    private static ShapSummaryChart ShapSummary()
    {
        var rng = new Rng(7);
        int n = 500, d = Features.Length;
        var phi = new double[n][];
        var values = new double[n][];
        for (int r = 0; r < n; r++)
        {
            phi[r] = new double[d];
            values[r] = new double[d];
            for (int f = 0; f < d; f++)
            {
                // φ grows with the feature's value, so the colours separate left to right as in real summaries.
                double v = rng.NextGaussian();
                values[r][f] = v;
                phi[r][f] = ((v * 0.05) + (0.01 * rng.NextGaussian())) * Math.Exp(-((f + 4) % d) / 4.0);
            }
        }
        return new ShapSummaryChart("SHAP summary", Features, phi, values, maxFeatures: 12);
    }
}
