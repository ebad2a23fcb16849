using System.Globalization;

using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// A SHAP waterfall for one explained row: starting from the base value E[f(X)] at the bottom, each feature's
/// contribution φ is a bar from the running total, features sorted by |φ| with the largest at the top, the smallest
/// summed into one "other features" bar, ending at f(x) = base + Σφ. Put CS/EM in the title if wanted.
/// </summary>
public sealed class WaterfallChart : Figure
{
    private readonly string[] _names;
    private readonly double[] _phi;
    private readonly double[]? _values;

    /// <summary>Creates the chart, copying and checking the data.</summary>
    /// <param name="title">Chart title, e.g. "Row 1234 — CS 0.82, EM 0.11".</param>
    /// <param name="featureNames">Name of each feature.</param>
    /// <param name="shapValues">φ of each feature for this row.</param>
    /// <param name="baseValue">Expected model output over the background, E[f(X)].</param>
    /// <param name="featureValues">Optional value of each feature in this row, shown next to its name.</param>
    /// <param name="maxFeatures">Rows to show including the "other features" row (at least 2).</param>
    /// <exception cref="ArgumentException">No feature, a length mismatch, or a NaN/∞ value.</exception>
    public WaterfallChart(string title, IReadOnlyList<string> featureNames, IReadOnlyList<double> shapValues, double baseValue,
        IReadOnlyList<double>? featureValues = null, int maxFeatures = 10) : base(title)
    {
        FigureGuard.NotEmpty(featureNames, nameof(featureNames));
        _names = new string[featureNames.Count];
        for (int i = 0; i < _names.Length; i++) _names[i] = FigureGuard.Name(featureNames[i], $"featureNames[{i}]");
        _phi = FigureGuard.Finite(shapValues, nameof(shapValues));
        FigureGuard.SameLength(_names.Length, _phi.Length, nameof(shapValues), nameof(featureNames));
        if (featureValues is not null)
        {
            _values = FigureGuard.Finite(featureValues, nameof(featureValues));
            FigureGuard.SameLength(_names.Length, _values.Length, nameof(featureValues), nameof(featureNames));
        }
        if (!double.IsFinite(baseValue)) throw new ArgumentException($"baseValue is {baseValue}; expected a finite number.", nameof(baseValue));
        if (maxFeatures < 2) throw new ArgumentOutOfRangeException(nameof(maxFeatures), maxFeatures, $"maxFeatures is {maxFeatures}; expected at least 2.");
        BaseValue = baseValue;
        MaxFeatures = maxFeatures;
        double sum = 0;
        foreach (double p in _phi) sum += p;
        Prediction = baseValue + sum;
    }

    /// <summary>E[f(X)], where the waterfall starts.</summary>
    public double BaseValue { get; }

    /// <summary>f(x) = base + Σφ, where the waterfall ends.</summary>
    public double Prediction { get; }

    /// <summary>Rows shown, counting the "other features" row.</summary>
    public int MaxFeatures { get; }

    /// <summary>Label of the value axis.</summary>
    public string ValueLabel { get; init; } = "model output (anomaly score)";

    /// <summary>
    /// The rows as drawn, top to bottom: label and φ. Features come by decreasing |φ| (ties in input order); when
    /// there are more than <see cref="MaxFeatures"/>, the last row sums the rest as "N other features".
    /// </summary>
    public IReadOnlyList<(string Label, double Phi)> Rows()
    {
        int n = _phi.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = Math.Abs(_phi[b]).CompareTo(Math.Abs(_phi[a]));
            return c != 0 ? c : a.CompareTo(b);
        });
        int shown = n <= MaxFeatures ? n : MaxFeatures - 1;
        var rows = new List<(string, double)>(shown + 1);
        for (int r = 0; r < shown; r++)
        {
            int f = order[r];
            string label = _values is null ? _names[f] : $"{_names[f]} = {FormatValue(_values[f])}";
            rows.Add((label, _phi[f]));
        }
        if (shown < n)
        {
            double rest = 0;
            for (int r = shown; r < n; r++) rest += _phi[order[r]];
            rows.Add(($"{n - shown} other features", rest));
        }
        return rows;
    }

    private protected override void Build(Plot plot)
    {
        var rows = Rows();
        int m = rows.Count;
        var bars = new List<Bar>(m);
        double running = BaseValue, lo = BaseValue, hi = BaseValue;
        var labels = new string[m];
        var positions = new double[m];
        var placement = new LegendPlacement();
        // Walk bottom (last row) to top, so the total grows upward to f(x).
        for (int r = m - 1; r >= 0; r--)
        {
            var (label, phi) = rows[r];
            double y = m - 1 - r;
            double start = running, end = running + phi;
            var color = phi >= 0 ? PlotStyle.Positive : PlotStyle.Negative;
            bars.Add(new Bar
            {
                Position = y,
                ValueBase = start,
                Value = end,
                Size = 0.7,
                FillColor = color,
                LineWidth = 0,
                Orientation = Orientation.Horizontal,
            });
            var text = plot.Add.Text(FormatPhi(phi), end, y);
            text.LabelFontName = PlotStyle.FontName;
            text.LabelFontSize = 11;
            text.LabelFontColor = color;
            text.LabelAlignment = phi >= 0 ? Alignment.MiddleLeft : Alignment.MiddleRight;
            text.OffsetX = phi >= 0 ? 4 : -4;
            if (r > 0)
            {
                // Connector to the next bar up, which starts where this one ends.
                var link = plot.Add.Line(end, y + 0.35, end, y + 0.65);
                link.LineColor = PlotStyle.Reference;
                link.LineWidth = 1;
            }
            labels[r] = label;
            positions[r] = y;
            // Sample along the bar so a long bar counts in every corner box it crosses.
            var along = new double[9];
            for (int j = 0; j < along.Length; j++) along[j] = start + ((end - start) * j / (along.Length - 1));
            placement.Add(along, [y, y, y, y, y, y, y, y, y]);
            running = end;
            lo = Math.Min(lo, end);
            hi = Math.Max(hi, end);
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;

        AddMarker(plot, BaseValue, m, -0.65, $"E[f(X)] = {FormatValue(BaseValue)}", Alignment.UpperCenter);
        AddMarker(plot, Prediction, m, m - 0.35, $"f(x) = {FormatValue(Prediction)}", Alignment.LowerCenter);

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.XLabel(ValueLabel);
        double span = hi - lo;
        if (span == 0) span = Math.Max(Math.Abs(hi), 1) * 0.1;
        // Room for the φ labels on both sides and the two markers' texts.
        plot.Axes.SetLimits(lo - (span * 0.2), hi + (span * 0.2), -1.3, m + 0.3);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "raises the score", FillColor = PlotStyle.Positive });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "lowers the score", FillColor = PlotStyle.Negative });
        // Corners only: bars of large |φ| reach across the top, the smaller ones leave one lower corner free.
        placement.Extend(lo - (span * 0.2), hi + (span * 0.2), -1.3, m + 0.3);
        plot.ShowLegend(placement.Best());
    }

    private static void AddMarker(Plot plot, double x, int rows, double y, string label, Alignment alignment)
    {
        // The line spans the bars only, so it never runs through the texts below and above them.
        var line = plot.Add.Line(x, -0.5, x, rows - 0.5);
        line.LineColor = PlotStyle.Reference;
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 1;
        var text = plot.Add.Text(label, x, y);
        text.LabelFontName = PlotStyle.FontName;
        text.LabelFontSize = 12;
        text.LabelFontColor = Color.FromHex("#333333");
        text.LabelAlignment = alignment;
    }

    private static string FormatPhi(double v) => (v >= 0 ? "+" : "−") + FormatValue(Math.Abs(v));

    private static string FormatValue(double v) => v == 0 || (Math.Abs(v) >= 0.001 && Math.Abs(v) < 10_000)
        ? v.ToString("0.###", CultureInfo.InvariantCulture)
        : v.ToString("0.##E+0", CultureInfo.InvariantCulture);
}
