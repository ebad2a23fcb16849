using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>2-D points coloured by class, e.g. a 2-D embedding of rows coloured by label (normal, each anomaly kind).</summary>
public sealed class ScatterChart : Figure
{
    private readonly string _xLabel;
    private readonly string _yLabel;
    private readonly (string Name, double[] X, double[] Y)[] _groups;

    /// <summary>Creates the chart, copying and checking the data; groups are drawn in order, so put the largest first.</summary>
    /// <exception cref="ArgumentException">No group, an empty group, a length mismatch, or a NaN/∞ coordinate.</exception>
    public ScatterChart(string title, string xLabel, string yLabel, IReadOnlyList<ScatterGroup> groups) : base(title)
    {
        _xLabel = xLabel ?? throw new ArgumentNullException(nameof(xLabel));
        _yLabel = yLabel ?? throw new ArgumentNullException(nameof(yLabel));
        FigureGuard.NotEmpty(groups, nameof(groups));
        _groups = new (string, double[], double[])[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var one = groups[g] ?? throw new ArgumentNullException(nameof(groups), $"groups[{g}] is null.");
            string name = FigureGuard.Name(one.Name, $"groups[{g}]");
            double[] x = FigureGuard.Finite(one.X, $"group '{name}' X");
            double[] y = FigureGuard.Finite(one.Y, $"group '{name}' Y");
            FigureGuard.SameLength(x.Length, y.Length, $"group '{name}' Y", "X");
            _groups[g] = (name, x, y);
        }
    }

    /// <summary>Marker diameter in pixels.</summary>
    public float MarkerSize { get; init; } = 5;

    private protected override void Build(Plot plot)
    {
        plot.XLabel(_xLabel);
        plot.YLabel(_yLabel);
        var placement = new LegendPlacement();
        long total = 0;
        foreach (var g in _groups) total += g.X.Length;
        // Translucent markers keep dense regions readable; fully opaque when there are few points.
        double alpha = total > 2_000 ? 0.45 : 0.8;
        for (int g = 0; g < _groups.Length; g++)
        {
            var (name, x, y) = _groups[g];
            var markers = plot.Add.Markers(x, y, MarkerShape.FilledCircle, MarkerSize, PlotStyle.SeriesColor(g).WithAlpha(alpha));
            markers.LegendText = $"{name} ({x.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)})";
            placement.Add(x, y);
        }
        if (_groups.Length > 1) plot.ShowLegend(placement.Best());
        else plot.HideLegend();
    }
}
