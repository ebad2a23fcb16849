using System.Globalization;

using ScottPlot;

using Xainomaly.Evaluation;

namespace Xainomaly.Reporting;

/// <summary>
/// ROC curves (with the chance diagonal and each curve's AUC in the legend) or precision–recall curves (drawn as
/// steps, with the prevalence baseline and each curve's average precision in the legend), on the unit square.
/// </summary>
public sealed class CurveChart : Figure
{
    private readonly bool _roc;
    private readonly (string Label, double[] X, double[] Y)[] _curves;
    private readonly double _baseline;

    private CurveChart(string title, bool roc, (string, double[], double[])[] curves, double baseline) : base(title)
    {
        _roc = roc;
        _curves = curves;
        _baseline = baseline;
    }

    /// <summary>ROC chart: false-positive rate on x, true-positive rate on y, one curve per entry.</summary>
    /// <exception cref="ArgumentException">No curve, a curve without ROC points, or a NaN rate.</exception>
    public static CurveChart Roc(string title, IReadOnlyList<NamedCurve> curves)
    {
        FigureGuard.NotEmpty(curves, nameof(curves));
        var data = new (string, double[], double[])[curves.Count];
        for (int c = 0; c < curves.Count; c++)
        {
            var one = curves[c] ?? throw new ArgumentNullException(nameof(curves), $"curves[{c}] is null.");
            string name = FigureGuard.Name(one.Name, $"curves[{c}]");
            var roc = one.Roc ?? throw new ArgumentException($"curve '{name}' has no ROC points; expected NamedCurve.Roc.", nameof(curves));
            double[] x = FigureGuard.Finite(roc.FalsePositiveRates, $"curve '{name}' FalsePositiveRates");
            double[] y = FigureGuard.Finite(roc.TruePositiveRates, $"curve '{name}' TruePositiveRates");
            FigureGuard.SameLength(x.Length, y.Length, $"curve '{name}' TruePositiveRates", "FalsePositiveRates");
            data[c] = ($"{name} (AUC = {roc.Area().ToString("F3", CultureInfo.InvariantCulture)})", x, y);
        }
        return new CurveChart(title, roc: true, data, baseline: double.NaN);
    }

    /// <summary>
    /// Precision–recall chart: recall on x, precision on y, one curve per entry; the dashed baseline is the positive
    /// rate of the first curve's data (the precision of flagging every row).
    /// </summary>
    /// <exception cref="ArgumentException">No curve, a curve without precision–recall points, or a NaN value.</exception>
    public static CurveChart PrecisionRecall(string title, IReadOnlyList<NamedCurve> curves)
    {
        FigureGuard.NotEmpty(curves, nameof(curves));
        var data = new (string, double[], double[])[curves.Count];
        double baseline = double.NaN;
        for (int c = 0; c < curves.Count; c++)
        {
            var one = curves[c] ?? throw new ArgumentNullException(nameof(curves), $"curves[{c}] is null.");
            string name = FigureGuard.Name(one.Name, $"curves[{c}]");
            var pr = one.PrecisionRecall
                ?? throw new ArgumentException($"curve '{name}' has no precision-recall points; expected NamedCurve.PrecisionRecall.", nameof(curves));
            double[] x = FigureGuard.Finite(pr.Recalls, $"curve '{name}' Recalls");
            double[] y = FigureGuard.Finite(pr.Precisions, $"curve '{name}' Precisions");
            FigureGuard.SameLength(x.Length, y.Length, $"curve '{name}' Precisions", "Recalls");
            // The last point flags every row, so its precision is the prevalence.
            if (c == 0) baseline = y[^1];
            data[c] = ($"{name} (AP = {pr.AveragePrecision().ToString("F3", CultureInfo.InvariantCulture)})", x, y);
        }
        return new CurveChart(title, roc: false, data, baseline);
    }

    private protected override void Build(Plot plot)
    {
        plot.XLabel(_roc ? "false-positive rate" : "recall");
        plot.YLabel(_roc ? "true-positive rate" : "precision");
        if (_roc)
        {
            var diagonal = plot.Add.Line(0, 0, 1, 1);
            diagonal.LineColor = PlotStyle.Reference;
            diagonal.LinePattern = LinePattern.Dashed;
            diagonal.LineWidth = 1.5f;
            diagonal.LegendText = "chance (AUC = 0.500)";
        }
        else
        {
            var chance = plot.Add.Line(0, _baseline, 1, _baseline);
            chance.LineColor = PlotStyle.Reference;
            chance.LinePattern = LinePattern.Dashed;
            chance.LineWidth = 1.5f;
            chance.LegendText = $"chance (precision = {_baseline.ToString("F3", CultureInfo.InvariantCulture)})";
        }
        var placement = new LegendPlacement();
        if (!_roc) placement.Add([0, 1], [_baseline, _baseline]);
        for (int c = 0; c < _curves.Length; c++)
        {
            var (label, x, y) = _curves[c];
            placement.Add(x, y);
            var line = plot.Add.Scatter(x, y, PlotStyle.SeriesColor(c));
            line.LegendText = label;
            line.LineWidth = 2;
            line.MarkerSize = 0;
            // Precision holds its value until recall moves on (scikit-learn plots PR curves as post steps).
            if (!_roc) line.ConnectStyle = ConnectStyle.StepVertical;
        }
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(0.1);
        // ROC curves hug the upper left, so the lower right is free by construction.
        plot.ShowLegend(_roc ? Alignment.LowerRight : placement.Best());
    }
}
