using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// Several named series of (x, y) points joined by lines: loss and accuracy against training step, a metric against
/// the number of labels with ±std error bars, exclusion or inclusion curves. A legend appears when there are two or
/// more series.
/// </summary>
public sealed class LineChart : Figure
{
    private readonly string _xLabel;
    private readonly string _yLabel;
    private readonly (string Name, double[] X, double[] Y, double[]? Err)[] _series;

    /// <summary>Creates the chart, copying and checking the data.</summary>
    /// <exception cref="ArgumentException">No series, an empty series, lengths that differ, a NaN/∞ value or a negative error.</exception>
    public LineChart(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series) : base(title)
    {
        _xLabel = xLabel ?? throw new ArgumentNullException(nameof(xLabel));
        _yLabel = yLabel ?? throw new ArgumentNullException(nameof(yLabel));
        FigureGuard.NotEmpty(series, nameof(series));
        _series = new (string, double[], double[], double[]?)[series.Count];
        for (int s = 0; s < series.Count; s++)
        {
            var one = series[s] ?? throw new ArgumentNullException(nameof(series), $"series[{s}] is null.");
            string name = FigureGuard.Name(one.Name, $"series[{s}]");
            double[] x = FigureGuard.Finite(one.X, $"series '{name}' X");
            double[] y = FigureGuard.Finite(one.Y, $"series '{name}' Y");
            FigureGuard.SameLength(x.Length, y.Length, $"series '{name}' Y", "X");
            double[]? err = null;
            if (one.YError is not null)
            {
                err = FigureGuard.Finite(one.YError, $"series '{name}' YError");
                FigureGuard.SameLength(x.Length, err.Length, $"series '{name}' YError", "X");
                for (int i = 0; i < err.Length; i++)
                {
                    if (err[i] < 0)
                        throw new ArgumentException($"series '{name}' YError[{i}] is {err[i]}; expected a half-width ≥ 0.", nameof(series));
                }
            }
            _series[s] = (name, x, y, err);
        }
    }

    /// <summary>Draw a marker at every point (default: only when a series has at most 60 points).</summary>
    public bool? ShowMarkers { get; init; }

    /// <summary>Fixed y range, e.g. (0, 1) for accuracy; default: fit the data.</summary>
    public (double Min, double Max)? YRange { get; init; }

    private protected override void Build(Plot plot)
    {
        plot.XLabel(_xLabel);
        plot.YLabel(_yLabel);
        var placement = new LegendPlacement();
        for (int s = 0; s < _series.Length; s++)
        {
            var (name, x, y, err) = _series[s];
            placement.Add(x, y);
            var color = PlotStyle.SeriesColor(s);
            var line = plot.Add.Scatter(x, y, color);
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = ShowMarkers ?? x.Length <= 60 ? 6 : 0;
            if (err is not null)
            {
                var bars = plot.Add.ErrorBar(x, y, err);
                bars.Color = color;
                bars.LineWidth = 1.5f;
                bars.CapSize = 6;
            }
        }
        if (YRange is { } r) plot.Axes.SetLimitsY(r.Min, r.Max);
        if (_series.Length > 1) plot.ShowLegend(placement.Best());
        else plot.HideLegend();
    }
}
