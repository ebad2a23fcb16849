using System.Buffers.Binary;
using System.Xml.Linq;

using Xainomaly.Reporting;

namespace Xainomaly.Tests.Reporting;

/// <summary>Every figure type renders a valid PNG and SVG, deterministically, with its title and series names.</summary>
public sealed class FigureRenderingTests
{
    public static TheoryData<string> Samples() => [.. FigureSamples.Names];

    [Theory]
    [MemberData(nameof(Samples))]
    public void PngHasSignatureAndSize(string sample)
    {
        var (figure, _) = FigureSamples.Create(sample);
        byte[] png = figure.ToPng();
        Assert.True(png.Length > 1000, $"{sample}: PNG of {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        // First chunk is IHDR: big-endian width and height.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(Figure.DefaultWidth, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(Figure.DefaultHeight, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        // Decodes, and the title band holds dark pixels: a font was found and text was drawn.
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(Figure.DefaultWidth, bitmap.Width);
        Assert.Equal(Figure.DefaultHeight, bitmap.Height);
        int dark = 0;
        for (int y = 2; y < 32; y++)
        {
            for (int x = 200; x < 600; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 200) dark++;
            }
        }
        Assert.True(dark > 100, $"{sample}: only {dark} dark pixels where the title should be");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SvgIsWellFormedAndShowsTitleAndNames(string sample)
    {
        var (figure, mustShow) = FigureSamples.Create(sample);
        string svg = figure.ToSvg();
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", doc.Root!.Name);
        Assert.Equal("0 0 800 500", (string?)doc.Root.Attribute("viewBox"));
        Assert.Equal(figure.Title, doc.Root.Element(ns + "title")!.Value);
        // The text the engine drew, one element per label.
        var texts = doc.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains(figure.Title, texts);
        foreach (string s in mustShow)
            Assert.True(texts.Any(t => t.Contains(s, StringComparison.Ordinal)), $"{sample}: no text contains '{s}'");
        // Glyph position lists must parse as numbers (no trailing separators), or browsers drop them.
        foreach (var t in doc.Descendants(ns + "text"))
        {
            foreach (string attr in new[] { "x", "y" })
            {
                string? list = (string?)t.Attribute(attr);
                if (list is null) continue;
                foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
                    Assert.True(double.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out _), $"{sample}: {attr}=\"{list}\"");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void SameInputGivesSameBytes(string sample)
    {
        var (first, _) = FigureSamples.Create(sample);
        var (second, _) = FigureSamples.Create(sample);
        Assert.Equal(first.ToSvg(), second.ToSvg());
        Assert.Equal(first.ToPng(), second.ToPng());
    }

    [Fact]
    public void SaveChoosesFormatByExtensionAndRejectsOthers()
    {
        var (figure, _) = FigureSamples.Create("attack-bars");
        string dir = Path.Combine(Path.GetTempPath(), "xainomaly-plots-" + Environment.ProcessId);
        try
        {
            var paths = figure.SaveBoth(Path.Combine(dir, "nested"), "bars");
            Assert.Equal(figure.ToPng(), File.ReadAllBytes(paths[0]));
            Assert.Equal(figure.ToSvg(), File.ReadAllText(paths[1]));
            figure.Save(Path.Combine(dir, "upper.PNG"));
            Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(dir, "upper.PNG"))[0]);
            var ex = Assert.Throws<ArgumentException>(() => figure.Save(Path.Combine(dir, "bars.jpg")));
            Assert.Contains(".jpg", ex.Message);
            Assert.Contains("expected .png or .svg", ex.Message);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SizeIsHonouredAndChecked()
    {
        var figure = new ScatterChart("small", "x", "y", [new ScatterGroup("a", [1, 2, 3], [3, 1, 2])]) { Width = 320, Height = 200 };
        byte[] png = figure.ToPng();
        Assert.Equal(320, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(200, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScatterChart("t", "x", "y", [new ScatterGroup("a", [1], [1])]) { Width = 10 });
    }

    [Fact]
    public void MarkupInTextIsEscaped()
    {
        var figure = new BarChart("a < b & \"c\"", "k<i>", "v", ["x&y", "<z>"], [new BarSeries("s1 & s2", [1, 2]), new BarSeries("s3", [2, 1])]);
        var doc = XDocument.Parse(figure.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = doc.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains("a < b & \"c\"", texts);
        Assert.Contains("x&y", texts);
        Assert.Contains("s1 & s2", texts);
    }

    [Fact]
    public void InlineSvgsKeepTheirClipPathsApart()
    {
        var (roc, _) = FigureSamples.Create("roc");
        var (bars, _) = FigureSamples.Create("attack-bars");
        string a = roc.ToInlineSvg("fig1"), b = bars.ToInlineSvg("fig2");
        Assert.StartsWith("<svg", a);
        // Two figures in one page: parse them together, ids must be unique and every url(#id) must resolve.
        var page = XDocument.Parse("<body>" + a + b + "</body>");
        var ids = page.Descendants().Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var use in page.Descendants().Select(e => (string?)e.Attribute("clip-path")).Where(c => c is not null))
            Assert.Contains(use![5..^1], ids);
        Assert.Contains(ids, i => i!.StartsWith("fig1-", StringComparison.Ordinal));
        Assert.Contains(ids, i => i!.StartsWith("fig2-", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => roc.ToInlineSvg("1 bad"));
    }

    [Fact]
    public void DataUriCarriesThePng()
    {
        var (figure, _) = FigureSamples.Create("roc");
        string uri = figure.ToPngDataUri();
        Assert.StartsWith("data:image/png;base64,", uri);
        Assert.Equal(figure.ToPng(), Convert.FromBase64String(uri["data:image/png;base64,".Length..]));
    }

    /// <summary>
    /// Writes every sample as PNG and SVG when XAINOMALY_PLOTS_DIR names a folder, for looking at them, with the
    /// median of five render times per format (after one warm-up render) in timings.txt.
    /// </summary>
    [Fact]
    public void WritesSamplesWhenAsked()
    {
        string? dir = Environment.GetEnvironmentVariable("XAINOMALY_PLOTS_DIR");
        if (string.IsNullOrEmpty(dir)) return;
        var lines = new List<string>();
        foreach (string name in FigureSamples.Names)
        {
            var (figure, _) = FigureSamples.Create(name);
            figure.Save(Path.Combine(dir, name + ".png"));
            figure.Save(Path.Combine(dir, name + ".svg"));
            double png = MedianMs(() => figure.ToPng()), svg = MedianMs(() => figure.ToSvg());
            lines.Add($"{name}\tpng {png:F1} ms\tsvg {svg:F1} ms\tsvg {figure.ToSvg().Length / 1024} KiB");
        }
        File.WriteAllLines(Path.Combine(dir, "timings.txt"), lines);
    }

    private static double MedianMs(Func<object> render)
    {
        var times = new double[5];
        for (int i = 0; i < times.Length; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            render();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[2];
    }
}
