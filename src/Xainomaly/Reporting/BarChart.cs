using System.Globalization;

using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// Grouped bars: one group per category (an attack, a model), one bar per series inside each group, optional ±error
/// bars. The horizontal variant lists categories top-down, which suits ranked features (<see cref="Ranked"/>).
/// </summary>
public sealed class BarChart : Figure
{
    private readonly string _categoryLabel;
    private readonly string _valueLabel;
    private readonly string[] _categories;
    private readonly (string Name, double[] Values, double[]? Errors)[] _series;

    /// <summary>Creates the chart, copying and checking the data.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="categoryLabel">Label of the category axis (may be empty).</param>
    /// <param name="valueLabel">Label of the value axis.</param>
    /// <param name="categories">Category names, in display order (top-down when horizontal).</param>
    /// <param name="series">One or more series with one value per category.</param>
    /// <param name="horizontal">Bars grow to the right, categories listed top-down.</param>
    /// <exception cref="ArgumentException">No category or series, a length mismatch, a NaN/∞ value or a negative error.</exception>
    public BarChart(string title, string categoryLabel, string valueLabel, IReadOnlyList<string> categories,
        IReadOnlyList<BarSeries> series, bool horizontal = false) : base(title)
    {
        _categoryLabel = categoryLabel ?? throw new ArgumentNullException(nameof(categoryLabel));
        _valueLabel = valueLabel ?? throw new ArgumentNullException(nameof(valueLabel));
        FigureGuard.NotEmpty(categories, nameof(categories));
        FigureGuard.NotEmpty(series, nameof(series));
        _categories = new string[categories.Count];
        for (int i = 0; i < _categories.Length; i++) _categories[i] = categories[i] ?? throw new ArgumentNullException(nameof(categories), $"categories[{i}] is null.");
        Horizontal = horizontal;
        _series = new (string, double[], double[]?)[series.Count];
        for (int s = 0; s < series.Count; s++)
        {
            var one = series[s] ?? throw new ArgumentNullException(nameof(series), $"series[{s}] is null.");
            string name = FigureGuard.Name(one.Name, $"series[{s}]");
            double[] v = FigureGuard.Finite(one.Values, $"series '{name}' Values");
            FigureGuard.SameLength(_categories.Length, v.Length, $"series '{name}' Values", "categories");
            double[]? e = null;
            if (one.Errors is not null)
            {
                e = FigureGuard.Finite(one.Errors, $"series '{name}' Errors");
                FigureGuard.SameLength(_categories.Length, e.Length, $"series '{name}' Errors", "categories");
                for (int i = 0; i < e.Length; i++)
                {
                    if (e[i] < 0) throw new ArgumentException($"series '{name}' Errors[{i}] is {e[i]}; expected a half-length ≥ 0.", nameof(series));
                }
            }
            _series[s] = (name, v, e);
        }
    }

    /// <summary>Whether bars are horizontal.</summary>
    public bool Horizontal { get; }

    /// <summary>Write each bar's value at its end (default: only when there are at most 30 bars).</summary>
    public bool? ShowValues { get; init; }

    /// <summary>
    /// A horizontal chart of the <paramref name="top"/> largest values, largest first — e.g. mean |φ| per feature or
    /// the features an attack changed most.
    /// </summary>
    /// <exception cref="ArgumentException">Names and values differ in length, are empty, or a value is NaN/∞.</exception>
    public static BarChart Ranked(string title, string valueLabel, IReadOnlyList<string> names, IReadOnlyList<double> values, int top = 20)
    {
        FigureGuard.NotEmpty(names, nameof(names));
        double[] v = FigureGuard.Finite(values, nameof(values));
        FigureGuard.SameLength(names.Count, v.Length, nameof(values), nameof(names));
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, $"top is {top}; expected at least 1.");
        var order = new int[v.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Stable on ties (index order), so equal values keep the caller's order and the output is reproducible.
        Array.Sort(order, (a, b) => v[b] != v[a] ? v[b].CompareTo(v[a]) : a.CompareTo(b));
        int k = Math.Min(top, order.Length);
        var cats = new string[k];
        var vals = new double[k];
        for (int i = 0; i < k; i++)
        {
            cats[i] = names[order[i]];
            vals[i] = v[order[i]];
        }
        return new BarChart(title, "", valueLabel, cats, [new BarSeries(valueLabel, vals)], horizontal: true);
    }

    private protected override void Build(Plot plot)
    {
        int nCat = _categories.Length, nSer = _series.Length;
        // A group fills 80% of its slot; bars inside touch.
        double barWidth = 0.8 / nSer;
        bool showValues = ShowValues ?? nCat * nSer <= 30;
        var bars = new List<Bar>(nCat * nSer);
        double lo = 0, hi = 0;
        for (int s = 0; s < nSer; s++)
        {
            var (_, values, errors) = _series[s];
            var color = PlotStyle.SeriesColor(s);
            for (int c = 0; c < nCat; c++)
            {
                double err = errors?[c] ?? 0;
                var bar = new Bar
                {
                    Position = SlotPosition(c) - 0.4 + (barWidth * (s + 0.5)),
                    Value = values[c],
                    Size = barWidth * 0.92,
                    Error = err,
                    FillColor = color,
                    // The engine styles the bar outline and the error bar with the same line.
                    LineWidth = 1.2f,
                    LineColor = Color.FromHex("#333333"),
                    ErrorSize = 0.25 * barWidth,
                    Orientation = Horizontal ? Orientation.Horizontal : Orientation.Vertical,
                };
                bars.Add(bar);
                if (showValues) AddValueLabel(plot, bar.Position, values[c], err);
                lo = Math.Min(lo, values[c] - err);
                hi = Math.Max(hi, values[c] + err);
            }
        }
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = Horizontal;

        var positions = new double[nCat];
        for (int c = 0; c < nCat; c++) positions[c] = SlotPosition(c);
        var ticks = new ScottPlot.TickGenerators.NumericManual(positions, _categories);
        double span = hi - lo;
        if (span == 0) span = 1;
        // Room for the value labels past the bar ends.
        double vLo = lo < 0 ? lo - (span * 0.12) : 0, vHi = hi > 0 ? hi + (span * 0.12) : 0;
        if (Horizontal)
        {
            plot.Axes.Left.TickGenerator = ticks;
            plot.Axes.Left.MajorTickStyle.Length = 0;
            plot.Grid.YAxisStyle.IsVisible = false;
            plot.XLabel(_valueLabel);
            plot.YLabel(_categoryLabel);
            plot.Axes.SetLimits(vLo, vHi, -0.6, nCat - 0.4);
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Bottom.MajorTickStyle.Length = 0;
            plot.Grid.XAxisStyle.IsVisible = false;
            plot.XLabel(_categoryLabel);
            plot.YLabel(_valueLabel);
            plot.Axes.SetLimits(-0.6, nCat - 0.4, vLo, vHi);
            // Long category names would overlap when horizontal: tilt them.
            int longest = 0;
            foreach (string c in _categories) longest = Math.Max(longest, c.Length);
            if (longest * nCat > 90)
            {
                plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
                plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            }
        }
        if (nSer > 1)
        {
            for (int s = 0; s < nSer; s++)
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = _series[s].Name, FillColor = PlotStyle.SeriesColor(s) });
            // Outside the axes: inside, the legend would hide the tallest bars of some group.
            plot.ShowLegend(Edge.Right);
        }
        else plot.HideLegend();
    }

    /// <summary>Writes the value past the end of the bar, beyond its error bar so the two never cross.</summary>
    private void AddValueLabel(Plot plot, double position, double value, double error)
    {
        double end = value >= 0 ? value + error : value - error;
        var text = Horizontal ? plot.Add.Text(Format(value), end, position) : plot.Add.Text(Format(value), position, end);
        text.LabelFontName = PlotStyle.FontName;
        text.LabelFontSize = 11;
        text.LabelFontColor = Color.FromHex("#333333");
        if (Horizontal)
        {
            text.LabelAlignment = value >= 0 ? Alignment.MiddleLeft : Alignment.MiddleRight;
            text.OffsetX = value >= 0 ? 4 : -4;
        }
        else
        {
            text.LabelAlignment = value >= 0 ? Alignment.LowerCenter : Alignment.UpperCenter;
            text.OffsetY = value >= 0 ? -3 : 3;
        }
    }

    // Horizontal charts list the first category at the top, so category c sits at y = n − 1 − c.
    private double SlotPosition(int c) => Horizontal ? _categories.Length - 1 - c : c;

    private static string Format(double v) => Math.Abs(v) >= 1000 || (v != 0 && Math.Abs(v) < 0.01)
        ? v.ToString("G3", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);
}
