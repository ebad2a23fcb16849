using ScottPlot;

namespace Xainomaly.Reporting;

/// <summary>
/// A chart built from plain data that renders to SVG (text, for inlining in HTML) or PNG (bytes). Rendering is
/// deterministic: the same figure gives the same bytes on one machine. The plotting engine stays behind this type.
/// </summary>
public abstract class Figure
{
    /// <summary>Default width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default height in pixels.</summary>
    public const int DefaultHeight = 500;

    private protected Figure(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary>Title shown above the chart and stored as the SVG's <c>&lt;title&gt;</c>.</summary>
    public string Title { get; }

    /// <summary>Width in pixels (100–8000).</summary>
    public int Width
    {
        get;
        init => field = FigureGuard.Pixels(value, nameof(Width));
    } = DefaultWidth;

    /// <summary>Height in pixels (100–8000).</summary>
    public int Height
    {
        get;
        init => field = FigureGuard.Pixels(value, nameof(Height));
    } = DefaultHeight;

    /// <summary>Renders the figure as a standalone SVG document (UTF-8 XML text).</summary>
    public string ToSvg()
    {
        var plot = CreatePlot();
        return SvgNormalizer.Normalize(plot.GetSvgXml(Width, Height), Title, Width, Height);
    }

    /// <summary>
    /// Renders the bare <c>&lt;svg&gt;</c> element for inlining in an HTML page: no XML declaration, and every id
    /// prefixed with <paramref name="idPrefix"/> so figures on one page keep their own clip paths.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix is empty or not a valid id start (letters, digits, '-', '_', starting with a letter).</exception>
    public string ToInlineSvg(string idPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(idPrefix);
        if (!char.IsAsciiLetter(idPrefix[0]) || !idPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"idPrefix '{idPrefix}' is not usable in an id; expected ASCII letters, digits, '-' or '_', starting with a letter.", nameof(idPrefix));
        var plot = CreatePlot();
        return SvgNormalizer.Normalize(plot.GetSvgXml(Width, Height), Title, Width, Height, idPrefix + "-", inline: true);
    }

    /// <summary>Renders the figure as PNG bytes of <see cref="Width"/> × <see cref="Height"/> pixels.</summary>
    public byte[] ToPng()
    {
        var plot = CreatePlot();
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>The PNG as a <c>data:image/png;base64,…</c> URI, ready for an <c>&lt;img src&gt;</c> in an HTML report.</summary>
    public string ToPngDataUri() => "data:image/png;base64," + Convert.ToBase64String(ToPng());

    /// <summary>
    /// Writes the figure to <paramref name="path"/>; the extension chooses the format (<c>.png</c> or <c>.svg</c>).
    /// The directory is created when missing.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither <c>.png</c> nor <c>.svg</c>.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string ext = Path.GetExtension(path);
        bool svg = ext.Equals(".svg", StringComparison.OrdinalIgnoreCase);
        if (!svg && !ext.Equals(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Figure file '{path}' has extension '{ext}'; expected .png or .svg.", nameof(path));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (svg) File.WriteAllText(path, ToSvg(), new System.Text.UTF8Encoding(false));
        else File.WriteAllBytes(path, ToPng());
    }

    /// <summary>Writes <c>baseName.png</c> and <c>baseName.svg</c> into <paramref name="directory"/> and returns both paths.</summary>
    public IReadOnlyList<string> SaveBoth(string directory, string baseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        string png = Path.Combine(directory, baseName + ".png");
        string svg = Path.Combine(directory, baseName + ".svg");
        Save(png);
        Save(svg);
        return [png, svg];
    }

    private Plot CreatePlot()
    {
        var plot = new Plot();
        // One explicit font so text looks the same in PNG and SVG and does not depend on the engine's guess.
        plot.Font.Set(PlotStyle.FontName);
        plot.Legend.FontName = PlotStyle.FontName;
        plot.Legend.FontSize = 12;
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Bottom.Label.FontSize = 14;
        plot.Axes.Left.Label.FontSize = 14;
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        // The engine's default packs a tick every ~60 px; fewer, rounder ticks read better in small figures.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TickDensity = 0.6 };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { TickDensity = 0.6 };
        plot.Title(Title);
        Build(plot);
        return plot;
    }

    /// <summary>Adds the chart's plottables, labels and legend to a fresh plot.</summary>
    private protected abstract void Build(Plot plot);
}
