using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace Xainomaly.Reporting;

/// <summary>
/// Makes the engine's SVG byte-deterministic and friendlier to browsers: clip-path ids come from a process-wide
/// counter, so they are renumbered in order of appearance; glyph position lists lose their trailing comma; fonts get
/// generic fallbacks; a <c>viewBox</c> lets the HTML report scale the figure; the title becomes the SVG's title.
/// </summary>
internal static partial class SvgNormalizer
{
    [GeneratedRegex(@"cl_[0-9a-fA-F]+\b")]
    private static partial Regex ClipId();

    [GeneratedRegex(@"( [xy]=""[^""]*?),\s*""")]
    private static partial Regex TrailingComma();

    [GeneratedRegex(@"font-family=""([^""]*)""")]
    private static partial Regex FontFamily();

    /// <param name="svg">The engine's SVG document.</param>
    /// <param name="title">Figure title for the <c>&lt;title&gt;</c> element.</param>
    /// <param name="width">Width in pixels, for the viewBox.</param>
    /// <param name="height">Height in pixels, for the viewBox.</param>
    /// <param name="idPrefix">Prefix of every id, so several figures inlined in one HTML page do not share clip paths.</param>
    /// <param name="inline">Drop the XML declaration (an HTML page holds the bare <c>&lt;svg&gt;</c> element).</param>
    public static string Normalize(string svg, string title, int width, int height, string idPrefix = "", bool inline = false)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        svg = ClipId().Replace(svg, m =>
        {
            if (!ids.TryGetValue(m.Value, out string? id))
            {
                id = idPrefix + "clip" + (ids.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                ids.Add(m.Value, id);
            }
            return id;
        });
        svg = TrailingComma().Replace(svg, "$1\"");
        svg = FontFamily().Replace(svg, m => m.Groups[1].Value == "DejaVu Sans"
            ? "font-family=\"'DejaVu Sans', Verdana, Arial, sans-serif\""
            : $"font-family=\"'{m.Groups[1].Value}', 'DejaVu Sans', Verdana, Arial, sans-serif\"");

        // Root element: add viewBox and a <title> right after it.
        int open = svg.IndexOf("<svg", StringComparison.Ordinal);
        int close = open < 0 ? -1 : svg.IndexOf('>', open);
        if (close < 0) throw new InvalidOperationException("The plotting engine returned SVG without a root <svg> element.");
        var sb = new StringBuilder(svg.Length + 128);
        if (inline) sb.Append(svg, open, close - open);
        else sb.Append(svg, 0, close);
        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $" viewBox=\"0 0 {width} {height}\"");
        sb.Append(">\n\t<title>").Append(SecurityElement.Escape(title)).Append("</title>");
        sb.Append(svg, close + 1, svg.Length - close - 1);
        return sb.ToString();
    }
}
