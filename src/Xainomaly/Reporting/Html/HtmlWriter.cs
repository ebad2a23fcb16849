using System.Globalization;
using System.Text;

namespace Xainomaly.Reporting.Html;

/// <summary>
/// Builds an HTML fragment. Every text and attribute value goes through <see cref="Escape"/>; only figures (SVG the
/// plotting layer made) enter unescaped, through <see cref="Figure(Reporting.Figure, string, string?, bool)"/>.
/// </summary>
public sealed class HtmlWriter
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<string> _open = new();

    /// <summary>Escapes text for element content and quoted attribute values.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Opens an element; close it with <see cref="Close"/>.</summary>
    /// <param name="tag">Element name (lower-case letters and digits).</param>
    /// <param name="attributes">Name/value pairs; a null value omits the attribute.</param>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        StartTag(tag, attributes);
        _open.Push(tag);
        return this;
    }

    /// <summary>Closes the innermost open element.</summary>
    /// <exception cref="InvalidOperationException">No element is open.</exception>
    public HtmlWriter Close()
    {
        if (_open.Count == 0) throw new InvalidOperationException("Close() without an open element.");
        _sb.Append("</").Append(_open.Pop()).Append('>');
        return this;
    }

    /// <summary>An element holding escaped text.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, string? Value)[] attributes)
    {
        StartTag(tag, attributes);
        _sb.Append(Escape(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Escaped text.</summary>
    public HtmlWriter Text(string? text)
    {
        _sb.Append(Escape(text));
        return this;
    }

    /// <summary>A paragraph of escaped text.</summary>
    public HtmlWriter Paragraph(string text, string? cssClass = null) => Element("p", text, ("class", cssClass));

    /// <summary>
    /// A table: escaped header and cells; columns listed in <paramref name="numericColumns"/> are right-aligned.
    /// </summary>
    /// <exception cref="ArgumentException">A row has a different number of cells than the header.</exception>
    public HtmlWriter Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, IReadOnlySet<int>? numericColumns = null, string? caption = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        Open("div", ("class", "table-wrap"));
        Open("table", ("id", id));
        if (caption is not null) Element("caption", caption);
        Open("thead").Open("tr");
        for (int c = 0; c < headers.Count; c++) Element("th", headers[c], ("class", numericColumns?.Contains(c) == true ? "num" : null));
        Close().Close();
        Open("tbody");
        int r = 0;
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
                throw new ArgumentException($"Table row {r} has {row.Count} cells; expected {headers.Count} (one per header).", nameof(rows));
            Open("tr");
            for (int c = 0; c < row.Count; c++) Element("td", row[c], ("class", numericColumns?.Contains(c) == true ? "num" : null));
            Close();
            r++;
        }
        Close().Close().Close();
        return this;
    }

    /// <summary>
    /// A figure inlined as SVG with a caption. The SVG's ids get <paramref name="idPrefix"/> so several figures on
    /// one page keep their own clip paths.
    /// </summary>
    /// <param name="figure">The chart.</param>
    /// <param name="idPrefix">The figure element's id and the prefix of the SVG's ids.</param>
    /// <param name="caption">Caption under the figure, or null.</param>
    /// <param name="wide">Let the figure take the whole width of the page instead of a half-width tile.</param>
    public HtmlWriter Figure(Reporting.Figure figure, string idPrefix, string? caption = null, bool wide = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Open("figure", ("class", wide ? "fig wide" : "fig"), ("id", idPrefix), ("data-figure", figure.Title));
        // Trusted markup: the plotting layer's SVG, with the title already escaped by SvgNormalizer.
        _sb.Append(figure.ToInlineSvg(idPrefix));
        if (caption is not null) Element("figcaption", caption);
        return Close();
    }

    /// <summary>The fragment so far.</summary>
    /// <exception cref="InvalidOperationException">An element is still open.</exception>
    public override string ToString()
    {
        if (_open.Count > 0) throw new InvalidOperationException($"Element <{_open.Peek()}> is still open.");
        return _sb.ToString();
    }

    private void StartTag(string tag, (string Name, string? Value)[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        foreach (char ch in tag)
            if (!char.IsAsciiLetterLower(ch) && !char.IsAsciiDigit(ch)) throw new ArgumentException($"Tag '{tag}' is not a lower-case HTML element name.", nameof(tag));
        _sb.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            _sb.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        }
        _sb.Append('>');
    }

    /// <summary>Formats a number the same way everywhere in the report (invariant culture).</summary>
    public static string Number(double value, string format = "G6") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
