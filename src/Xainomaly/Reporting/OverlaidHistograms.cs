using System.Globalization;

using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// Distributions of two or more groups over common bins, drawn as translucent filled steps on top of each other —
/// e.g. the reconstruction error of normal against anomalous rows. Each group is normalised to fractions by default
/// so a small anomalous group stays visible next to a large normal one.
/// </summary>
public sealed class OverlaidHistograms : Figure
{
    private readonly string _xLabel;
    private readonly (string Name, double[] Values)[] _groups;

    /// <summary>Creates the chart, copying and checking the data.</summary>
    /// <exception cref="ArgumentException">No group, an empty group, a NaN/∞ value, or a value ≤ 0 with <paramref name="logX"/>.</exception>
    public OverlaidHistograms(string title, string xLabel, IReadOnlyList<HistogramGroup> groups, int bins = 50, bool logX = false) : base(title)
    {
        _xLabel = xLabel ?? throw new ArgumentNullException(nameof(xLabel));
        FigureGuard.NotEmpty(groups, nameof(groups));
        if (bins is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(bins), bins, $"bins is {bins}; expected 1 to 10000.");
        Bins = bins;
        LogX = logX;
        _groups = new (string, double[])[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var one = groups[g] ?? throw new ArgumentNullException(nameof(groups), $"groups[{g}] is null.");
            string name = FigureGuard.Name(one.Name, $"groups[{g}]");
            double[] v = FigureGuard.Finite(one.Values, $"group '{name}' Values");
            if (logX)
            {
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] <= 0)
                        throw new ArgumentException($"group '{name}' Values[{i}] is {v[i]}; a log x axis needs values > 0.", nameof(groups));
                }
            }
            _groups[g] = (name, v);
        }
    }

    /// <summary>Number of common bins.</summary>
    public int Bins { get; }

    /// <summary>Whether x is on a log scale (bins equal in log space).</summary>
    public bool LogX { get; }

    /// <summary>Show each group's fraction of its own rows per bin (default) rather than raw counts.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Common bin edges (in data units), <see cref="Bins"/> + 1 of them.</summary>
    public double[] BinEdges()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var (_, v) in _groups)
        {
            foreach (double x in v)
            {
                double t = LogX ? Math.Log10(x) : x;
                lo = Math.Min(lo, t);
                hi = Math.Max(hi, t);
            }
        }
        if (!(hi > lo))
        {
            // All values equal: a unit-wide (or 10%-wide) bin around them still draws.
            double pad = lo == 0 ? 0.5 : Math.Abs(lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        var edges = new double[Bins + 1];
        for (int i = 0; i <= Bins; i++)
        {
            double t = lo + ((hi - lo) * i / Bins);
            edges[i] = LogX ? Math.Pow(10, t) : t;
        }
        return edges;
    }

    /// <summary>Counts of group <paramref name="group"/> per bin (last bin closed on the right).</summary>
    public long[] Counts(int group)
    {
        double[] edges = BinEdges();
        double lo = Transform(edges[0]), hi = Transform(edges[^1]);
        var counts = new long[Bins];
        foreach (double x in _groups[group].Values)
        {
            int b = (int)Math.Floor((Transform(x) - lo) / (hi - lo) * Bins);
            counts[Math.Clamp(b, 0, Bins - 1)]++;
        }
        return counts;
    }

    private double Transform(double x) => LogX ? Math.Log10(x) : x;

    private protected override void Build(Plot plot)
    {
        plot.XLabel(LogX ? _xLabel + " (log scale)" : _xLabel);
        plot.YLabel(Normalize ? "fraction of group" : "count");
        double[] edges = BinEdges();
        // The plot works in log10 units on a log axis; tick labels are mapped back to data units.
        var xs = new double[Bins + 1];
        for (int i = 0; i <= Bins; i++) xs[i] = Transform(edges[i]);
        var placement = new LegendPlacement();
        double yMax = 0;
        for (int g = 0; g < _groups.Length; g++)
        {
            long[] counts = Counts(g);
            double scale = Normalize ? 1.0 / _groups[g].Values.Length : 1.0;
            // Step outline: one y per edge, the last repeating the last bin so the final step is closed.
            var ys = new double[Bins + 1];
            for (int i = 0; i < Bins; i++) ys[i] = counts[i] * scale;
            ys[Bins] = ys[Bins - 1];
            var color = PlotStyle.SeriesColor(g);
            var step = plot.Add.Scatter(xs, ys, color);
            step.ConnectStyle = ConnectStyle.StepHorizontal;
            step.MarkerSize = 0;
            step.LineWidth = 1.8f;
            step.FillY = true;
            step.FillYValue = 0;
            step.FillYColor = color.WithAlpha(0.28);
            step.LegendText = $"{_groups[g].Name} (n = {_groups[g].Values.Length.ToString("N0", CultureInfo.InvariantCulture)})";
            placement.Add(xs, ys);
            foreach (double y in ys) yMax = Math.Max(yMax, y);
        }
        double xPad = (xs[^1] - xs[0]) * 0.02;
        plot.Axes.SetLimits(xs[0] - xPad, xs[^1] + xPad, 0, yMax * 1.08);
        if (LogX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = t => Math.Pow(10, t).ToString("G3", CultureInfo.InvariantCulture),
            };
        }
        if (_groups.Length > 1) plot.ShowLegend(placement.Best());
        else plot.HideLegend();
    }
}
