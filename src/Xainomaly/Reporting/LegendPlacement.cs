using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>Picks the inside corner for a legend where the fewest data points lie, like matplotlib's <c>loc="best"</c>.</summary>
internal sealed class LegendPlacement
{
    private double _xMin = double.PositiveInfinity, _xMax = double.NegativeInfinity;
    private double _yMin = double.PositiveInfinity, _yMax = double.NegativeInfinity;
    private readonly List<(double[] X, double[] Y)> _sets = [];

    public void Add(double[] x, double[] y)
    {
        _sets.Add((x, y));
        for (int i = 0; i < x.Length; i++)
        {
            _xMin = Math.Min(_xMin, x[i]);
            _xMax = Math.Max(_xMax, x[i]);
            _yMin = Math.Min(_yMin, y[i]);
            _yMax = Math.Max(_yMax, y[i]);
        }
    }

    /// <summary>Widens the plotted area to at least these limits without adding points (for fixed axis limits).</summary>
    public void Extend(double xMin, double xMax, double yMin, double yMax)
    {
        _xMin = Math.Min(_xMin, xMin);
        _xMax = Math.Max(_xMax, xMax);
        _yMin = Math.Min(_yMin, yMin);
        _yMax = Math.Max(_yMax, yMax);
    }

    /// <summary>The emptiest corner; ties go to upper right, upper left, lower right, lower left in that order.</summary>
    public Alignment Best()
    {
        if (_sets.Count == 0 || !(_xMax > _xMin) || !(_yMax > _yMin)) return Alignment.UpperRight;
        // Corner boxes cover 35% of each axis: about the size of a small legend.
        double xw = (_xMax - _xMin) * 0.35, yh = (_yMax - _yMin) * 0.35;
        Span<long> count = stackalloc long[4];
        foreach (var (x, y) in _sets)
        {
            for (int i = 0; i < x.Length; i++)
            {
                bool right = x[i] >= _xMax - xw, left = x[i] <= _xMin + xw;
                bool top = y[i] >= _yMax - yh, bottom = y[i] <= _yMin + yh;
                if (top && right) count[0]++;
                if (top && left) count[1]++;
                if (bottom && right) count[2]++;
                if (bottom && left) count[3]++;
            }
        }
        int best = 0;
        for (int k = 1; k < 4; k++)
        {
            if (count[k] < count[best]) best = k;
        }
        return best switch
        {
            0 => Alignment.UpperRight,
            1 => Alignment.UpperLeft,
            2 => Alignment.LowerRight,
            _ => Alignment.LowerLeft,
        };
    }
}
