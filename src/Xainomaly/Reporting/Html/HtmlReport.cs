using System.Text;

namespace Xainomaly.Reporting.Html;

/// <summary>
/// A self-contained HTML document: inline CSS, a table of contents and anchored sections. It references nothing
/// outside itself (no script, font, stylesheet or image URL), so it opens offline and can be mailed as one file.
/// </summary>
public sealed class HtmlReport
{
    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; margin: 0; color: #1d232a; background: #f4f6f8; line-height: 1.45; }
        header { background: #1f3a5f; color: #fff; padding: 22px 40px 18px; }
        header h1 { margin: 0 0 4px; font-size: 26px; }
        header p { margin: 0; opacity: .85; font-size: 14px; }
        main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 40px; }
        nav.toc { background: #fff; border: 1px solid #d8dee4; border-radius: 6px; padding: 10px 22px; margin: 18px 0; }
        nav.toc h2 { font-size: 16px; margin: 6px 0; border: 0; }
        nav.toc ol { margin: 4px 0 6px; padding-left: 22px; }
        nav.toc a { color: #1f5fa8; text-decoration: none; }
        nav.toc .missing { color: #8a939c; }
        section { background: #fff; border: 1px solid #d8dee4; border-radius: 6px; padding: 6px 26px 20px; margin: 18px 0; }
        h2 { font-size: 21px; border-bottom: 2px solid #e3e8ee; padding-bottom: 6px; }
        h3 { font-size: 16px; margin: 22px 0 8px; color: #2b3f57; }
        .table-wrap { overflow-x: auto; margin: 8px 0 14px; }
        table { border-collapse: collapse; font-size: 13px; min-width: 40%; }
        caption { text-align: left; font-weight: bold; padding: 4px 0; color: #2b3f57; }
        th, td { border-bottom: 1px solid #e3e8ee; padding: 4px 10px; text-align: left; vertical-align: top; }
        td.num, th.num, th { white-space: nowrap; }
        th { background: #eef2f6; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .figs { display: flex; flex-wrap: wrap; gap: 14px; }
        figure.fig { margin: 6px 0; flex: 1 1 440px; max-width: 560px; }
        figure.fig.wide { max-width: 820px; flex-basis: 100%; }
        figure.fig svg { width: 100%; height: auto; display: block; border: 1px solid #eef0f2; }
        figcaption { font-size: 12px; color: #56616c; margin-top: 4px; }
        .note { color: #56616c; font-size: 13px; }
        .missing-results { background: #fff8e6; border-left: 4px solid #e0a800; padding: 8px 12px; font-size: 14px; }
        code { background: #eef2f6; padding: 1px 4px; border-radius: 3px; font-size: 12.5px; }
        footer { text-align: center; color: #8a939c; font-size: 12px; padding: 16px; }
        """;

    private readonly List<HtmlReportSection> _sections = [];

    /// <summary>Creates an empty report.</summary>
    /// <param name="title">Page title and main heading.</param>
    /// <param name="subtitle">One line under the heading (e.g. what data and when), or null.</param>
    public HtmlReport(string title, string? subtitle = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
        Subtitle = subtitle;
    }

    /// <summary>Page title.</summary>
    public string Title { get; }

    /// <summary>Line under the heading.</summary>
    public string? Subtitle { get; }

    /// <summary>The sections, in order.</summary>
    public IReadOnlyList<HtmlReportSection> Sections => _sections;

    /// <summary>Appends a section.</summary>
    /// <exception cref="ArgumentException">The id is not a valid anchor or is already used.</exception>
    public void Add(HtmlReportSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.Id.Length == 0 || !char.IsAsciiLetter(section.Id[0]) || !section.Id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"Section id '{section.Id}' is not a valid anchor; expected ASCII letters, digits or '-', starting with a letter.", nameof(section));
        if (_sections.Any(s => s.Id == section.Id))
            throw new ArgumentException($"Section id '{section.Id}' is used twice.", nameof(section));
        _sections.Add(section);
    }

    /// <summary>The whole document.</summary>
    public string Render()
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // The report must not reach the network even when opened from a web server: forbid every external load.
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
        sb.Append("<title>").Append(HtmlWriter.Escape(Title)).Append("</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        sb.Append("<header><h1>").Append(HtmlWriter.Escape(Title)).Append("</h1>");
        if (Subtitle is not null) sb.Append("<p>").Append(HtmlWriter.Escape(Subtitle)).Append("</p>");
        sb.Append("</header>\n<main>\n<nav class=\"toc\" id=\"toc\"><h2>Contents</h2><ol>");
        foreach (var s in _sections)
        {
            sb.Append("<li><a href=\"#").Append(s.Id).Append('"');
            if (!s.Found) sb.Append(" class=\"missing\"");
            sb.Append('>').Append(HtmlWriter.Escape(s.Title)).Append("</a>");
            if (!s.Found) sb.Append(" <span class=\"missing\">(no results)</span>");
            sb.Append("</li>");
        }
        sb.Append("</ol></nav>\n");
        foreach (var s in _sections)
        {
            sb.Append("<section id=\"").Append(s.Id).Append("\" data-found=\"").Append(s.Found ? "true" : "false").Append("\">\n<h2>")
                .Append(HtmlWriter.Escape(s.Title)).Append("</h2>\n").Append(s.Body).Append("\n</section>\n");
        }
        sb.Append("</main>\n<footer>Made by xainomaly report; self-contained — no network needed to view it.</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the document as UTF-8 (no BOM), creating the directory when missing.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Render(), new UTF8Encoding(false));
    }
}
