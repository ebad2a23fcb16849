using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// A SHAP summary (beeswarm) over many explained rows: one row per feature, most important (mean |φ|) at the top;
/// each dot is one explained row at its φ, piled up where dots crowd, coloured by the feature's value in that row
/// (low to high, per feature).
/// </summary>
public sealed class ShapSummaryChart : Figure
{
    private const int ColorLevels = 24;
    private readonly string[] _names;
    private readonly double[][] _phi;
    private readonly double[][]? _values;

    /// <summary>Creates the chart, copying and checking the data.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="featureNames">Name of each feature.</param>
    /// <param name="shapValues">φ per explained row, one value per feature.</param>
    /// <param name="featureValues">Optional feature values per explained row (same shape), for the colour.</param>
    /// <param name="maxFeatures">Feature rows to show (most important first).</param>
    /// <exception cref="ArgumentException">No feature or row, a row of the wrong length, or a NaN/∞ value.</exception>
    public ShapSummaryChart(string title, IReadOnlyList<string> featureNames, IReadOnlyList<IReadOnlyList<double>> shapValues,
        IReadOnlyList<IReadOnlyList<double>>? featureValues = null, int maxFeatures = 15) : base(title)
    {
        FigureGuard.NotEmpty(featureNames, nameof(featureNames));
        FigureGuard.NotEmpty(shapValues, nameof(shapValues));
        if (maxFeatures < 1) throw new ArgumentOutOfRangeException(nameof(maxFeatures), maxFeatures, $"maxFeatures is {maxFeatures}; expected at least 1.");
        MaxFeatures = maxFeatures;
        _names = new string[featureNames.Count];
        for (int i = 0; i < _names.Length; i++) _names[i] = FigureGuard.Name(featureNames[i], $"featureNames[{i}]");
        _phi = CopyRows(shapValues, _names.Length, nameof(shapValues));
        if (featureValues is not null)
        {
            _values = CopyRows(featureValues, _names.Length, nameof(featureValues));
            FigureGuard.SameLength(_phi.Length, _values.Length, nameof(featureValues), nameof(shapValues));
        }
    }

    /// <summary>Feature rows shown.</summary>
    public int MaxFeatures { get; }

    /// <summary>
    /// Most explained rows drawn as dots (default 1000); beyond that an evenly spaced subset is drawn, which keeps
    /// the SVG small. The feature ranking always uses every row.
    /// </summary>
    public int MaxRowsDrawn
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRowsDrawn), value, $"MaxRowsDrawn is {value}; expected at least 1.");
    } = 1000;

    /// <summary>Indices of the explained rows drawn as dots: all, or every (n / <see cref="MaxRowsDrawn"/>)-th.</summary>
    public int[] DrawnRows()
    {
        int n = _phi.Length, m = Math.Min(n, MaxRowsDrawn);
        var rows = new int[m];
        for (int j = 0; j < m; j++) rows[j] = (int)((long)j * n / m);
        return rows;
    }

    /// <summary>Label of the φ axis.</summary>
    public string ValueLabel { get; init; } = "SHAP value (impact on anomaly score)";

    /// <summary>Mean |φ| of each feature over the explained rows, in feature order.</summary>
    public double[] MeanAbsolute()
    {
        var mean = new double[_names.Length];
        foreach (double[] row in _phi)
        {
            for (int f = 0; f < mean.Length; f++) mean[f] += Math.Abs(row[f]);
        }
        for (int f = 0; f < mean.Length; f++) mean[f] /= _phi.Length;
        return mean;
    }

    /// <summary>Indices of the features shown, most important first (ties in input order).</summary>
    public int[] ShownFeatures()
    {
        double[] mean = MeanAbsolute();
        var order = new int[mean.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => mean[b] != mean[a] ? mean[b].CompareTo(mean[a]) : a.CompareTo(b));
        return order[..Math.Min(MaxFeatures, order.Length)];
    }

    private protected override void Build(Plot plot)
    {
        int[] shown = ShownFeatures();
        int[] drawn = DrawnRows();
        int k = shown.Length, n = drawn.Length;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (int f in shown)
        {
            foreach (double[] row in _phi)
            {
                lo = Math.Min(lo, row[f]);
                hi = Math.Max(hi, row[f]);
            }
        }
        double span = hi > lo ? hi - lo : 1;
        var xsByLevel = new List<double>[ColorLevels];
        var ysByLevel = new List<double>[ColorLevels];
        for (int c = 0; c < ColorLevels; c++)
        {
            xsByLevel[c] = [];
            ysByLevel[c] = [];
        }
        var offsets = new double[n];
        var level = new int[n];
        var tickPos = new double[k];
        var tickLabels = new string[k];
        for (int r = 0; r < k; r++)
        {
            int f = shown[r];
            double y = k - 1 - r;
            tickPos[r] = y;
            tickLabels[r] = _names[f];
            Swarm(f, drawn, lo, span, offsets);
            Levels(f, drawn, level);
            for (int i = 0; i < n; i++)
            {
                xsByLevel[level[i]].Add(_phi[drawn[i]][f]);
                ysByLevel[level[i]].Add(y + offsets[i]);
            }
        }
        var zero = plot.Add.VerticalLine(0, 1, PlotStyle.Reference);
        zero.LegendText = "";
        // Few dots: make them bigger; many: smaller and translucent so the density shows.
        float size = n > 2_000 ? 3 : n > 300 ? 4 : 6;
        double alpha = n > 2_000 ? 0.6 : 0.9;
        for (int c = 0; c < ColorLevels; c++)
        {
            if (xsByLevel[c].Count == 0) continue;
            var color = _values is null ? PlotStyle.Negative : PlotStyle.Viridis(c / (ColorLevels - 1.0));
            plot.Add.Markers(xsByLevel[c].ToArray(), ysByLevel[c].ToArray(), MarkerShape.FilledCircle, size, color.WithAlpha(alpha));
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(tickPos, tickLabels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.XLabel(ValueLabel);
        plot.Axes.SetLimits(lo - (span * 0.05), hi + (span * 0.05), -0.6, k - 0.4);
        if (_values is not null)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = "high feature value",
                MarkerShape = MarkerShape.FilledCircle,
                MarkerSize = 9,
                MarkerColor = PlotStyle.Viridis(1),
            });
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = "low feature value",
                MarkerShape = MarkerShape.FilledCircle,
                MarkerSize = 9,
                MarkerColor = PlotStyle.Viridis(0),
            });
            // The least important rows at the bottom are the narrowest, so the lower right stays free.
            plot.ShowLegend(Alignment.LowerRight);
        }
        else plot.HideLegend();
    }

    /// <summary>
    /// Vertical offsets of feature <paramref name="f"/>'s dots, as shap's beeswarm does: φ is cut into 100 bins and
    /// the dots of a bin stack alternately above and below the row, scaled so the fullest bin fills ±0.4 of a row.
    /// Deterministic: dots keep their row order inside a bin.
    /// </summary>
    private void Swarm(int f, int[] drawn, double lo, double span, double[] offsets)
    {
        const int bins = 100;
        int n = drawn.Length;
        var fill = new int[bins + 1];
        int deepest = 0;
        for (int i = 0; i < n; i++)
        {
            int b = (int)((_phi[drawn[i]][f] - lo) / span * bins);
            b = Math.Clamp(b, 0, bins);
            int layer = fill[b]++;
            // 0, +1, −1, +2, −2, … stacked outward from the row's centre line.
            int depth = (layer + 1) / 2;
            offsets[i] = (layer % 2 == 1 ? depth : -depth);
            deepest = Math.Max(deepest, depth);
        }
        double scale = deepest == 0 ? 0 : 0.4 / deepest;
        for (int i = 0; i < n; i++) offsets[i] *= scale;
    }

    /// <summary>Colour level of each dot: the feature's value placed between its 5th and 95th percentile, as shap clips outliers.</summary>
    private void Levels(int f, int[] drawn, int[] level)
    {
        int n = drawn.Length;
        if (_values is null)
        {
            Array.Fill(level, 0);
            return;
        }
        var sorted = new double[n];
        for (int i = 0; i < n; i++) sorted[i] = _values[drawn[i]][f];
        Array.Sort(sorted);
        double vLo = sorted[(int)Math.Floor(0.05 * (n - 1))];
        double vHi = sorted[(int)Math.Ceiling(0.95 * (n - 1))];
        if (!(vHi > vLo))
        {
            vLo = sorted[0];
            vHi = sorted[^1];
        }
        for (int i = 0; i < n; i++)
        {
            double t = vHi > vLo ? (_values[drawn[i]][f] - vLo) / (vHi - vLo) : 0.5;
            level[i] = (int)Math.Round(Math.Clamp(t, 0, 1) * (ColorLevels - 1));
        }
    }

    private static double[][] CopyRows(IReadOnlyList<IReadOnlyList<double>> rows, int width, string what)
    {
        var copy = new double[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r] ?? throw new ArgumentNullException(what, $"{what}[{r}] is null.");
            copy[r] = FigureGuard.Finite(row, $"{what}[{r}]");
            FigureGuard.SameLength(width, copy[r].Length, $"{what}[{r}]", "featureNames");
        }
        return copy;
    }
}
