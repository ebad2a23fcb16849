using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>Font and colours shared by every figure.</summary>
internal static class PlotStyle
{
    /// <summary>DejaVu Sans when installed (Debian ships it), else whatever sans font the engine finds.</summary>
    public static readonly string FontName =
        Fonts.GetTypeface("DejaVu Sans", false, false)?.FamilyName == "DejaVu Sans" ? "DejaVu Sans" : Fonts.Default;

    /// <summary>Okabe–Ito colours (Wong, Nature Methods 2011), distinguishable with the common colour-vision deficiencies.</summary>
    private static readonly Color[] Series =
    [
        Color.FromHex("#0072B2"), // blue
        Color.FromHex("#D55E00"), // vermillion
        Color.FromHex("#009E73"), // bluish green
        Color.FromHex("#E69F00"), // orange
        Color.FromHex("#CC79A7"), // reddish purple
        Color.FromHex("#56B4E9"), // sky blue
        Color.FromHex("#000000"), // black
        Color.FromHex("#F0E442"), // yellow, last: weak on white
    ];

    /// <summary>Colour of series <paramref name="index"/>; cycles after eight.</summary>
    public static Color SeriesColor(int index) => Series[index % Series.Length];

    /// <summary>Colour for a contribution that raises the score.</summary>
    public static Color Positive => Series[1];

    /// <summary>Colour for a contribution that lowers the score.</summary>
    public static Color Negative => Series[0];

    /// <summary>Light grey for reference lines (diagonal, zero, base value).</summary>
    public static Color Reference => Color.FromHex("#888888");

    /// <summary>Viridis at <paramref name="t"/> in [0, 1]: perceptually uniform and readable without colour vision.</summary>
    public static Color Viridis(double t)
    {
        t = Math.Clamp(double.IsNaN(t) ? 0.5 : t, 0, 1);
        double pos = t * (ViridisStops.Length - 1);
        int i = Math.Min((int)pos, ViridisStops.Length - 2);
        double f = pos - i;
        var a = ViridisStops[i];
        var b = ViridisStops[i + 1];
        return new Color(Lerp(a.R, b.R, f), Lerp(a.G, b.G, f), Lerp(a.B, b.B, f));
    }

    private static byte Lerp(byte a, byte b, double f) => (byte)Math.Round(a + ((b - a) * f));

    // Viridis sampled at ninths (matplotlib's table).
    private static readonly Color[] ViridisStops = Color.FromHex(
    [
        "#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725",
    ]);
}
