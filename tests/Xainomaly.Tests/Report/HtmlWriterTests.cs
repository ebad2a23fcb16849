using Xainomaly.Reporting;
using Xainomaly.Reporting.Html;

namespace Xainomaly.Tests.Report;

public sealed class HtmlWriterTests
{
    [Fact]
    public void Text_and_attributes_are_escaped()
    {
        var w = new HtmlWriter();
        w.Open("p", ("title", "a\"b<c>")).Text("<script>alert('x')</script> & more").Close();
        Assert.Equal("<p title=\"a&quot;b&lt;c&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</p>", w.ToString());
    }

    [Fact]
    public void Tables_escape_cells_align_numbers_and_refuse_ragged_rows()
    {
        var w = new HtmlWriter();
        w.Table(["name", "value"], [["<b>", "1.5"]], new HashSet<int> { 1 }, id: "t");
        string html = w.ToString();
        Assert.Contains("<td>&lt;b&gt;</td><td class=\"num\">1.5</td>", html, StringComparison.Ordinal);
        Assert.Contains("<table id=\"t\">", html, StringComparison.Ordinal);
        Assert.Contains("row 0 has 1 cells", Assert.Throws<ArgumentException>(() => new HtmlWriter().Table(["a", "b"], [["x"]])).Message);
    }

    [Fact]
    public void Unclosed_elements_and_bad_tags_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new HtmlWriter().Open("div").ToString());
        Assert.Throws<InvalidOperationException>(() => new HtmlWriter().Close());
        Assert.Throws<ArgumentException>(() => new HtmlWriter().Open("div onload=x"));
    }

    [Fact]
    public void Report_has_a_toc_anchored_sections_a_csp_and_inline_figures()
    {
        var report = new HtmlReport("T & t");
        var w = new HtmlWriter();
        w.Figure(new LineChart("line", "x", "y", [new LineSeries("s", [0.0, 1.0], [1.0, 2.0])]), "f1", "caption");
        report.Add(new HtmlReportSection("one", "First", w.ToString()));
        report.Add(new HtmlReportSection("two", "Second", "", Found: false));
        Assert.Throws<ArgumentException>(() => report.Add(new HtmlReportSection("one", "again", "")));
        Assert.Throws<ArgumentException>(() => report.Add(new HtmlReportSection("bad id", "x", "")));
        string html = report.Render();
        Assert.Contains("<a href=\"#one\">First</a>", html, StringComparison.Ordinal);
        Assert.Contains("<section id=\"two\" data-found=\"false\">", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);
        Assert.Contains("<figure class=\"fig\" id=\"f1\" data-figure=\"line\"><svg", html, StringComparison.Ordinal);
        Assert.Contains("<title>T &amp; t</title>", html, StringComparison.Ordinal);
    }
}
