using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

using Xainomaly.Cli.Report;
using Xainomaly.Tests.Cli;

using Xunit.Abstractions;

namespace Xainomaly.Tests.Report;

public sealed partial class ReportTests(ReportFixture fixture, ITestOutputHelper output) : IClassFixture<ReportFixture>
{
    [GeneratedRegex(@"<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex(@"<t[dh][^>]*>(.*?)</t[dh]>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    /// <summary>The cells of the table with this id (header row first), HTML-decoded.</summary>
    private static List<List<string>> Table(string html, string id)
    {
        int start = html.IndexOf($"<table id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"table #{id} not in the report");
        int end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return [.. Row().Matches(html[start..end]).Select(r => Cell().Matches(r.Groups[1].Value).Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToList())];
    }

    [Fact]
    public void Report_json_names_the_file_and_finds_every_section()
    {
        var r = fixture.Report;
        Assert.Equal("command", r.EnumerateObject().First().Name);
        Assert.Equal("report", r.GetProperty("command").GetString());
        Assert.Equal(Path.GetFullPath(fixture.Html), r.GetProperty("path").GetString());
        var ids = r.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ReportBuilder.SectionIds, ids);
        Assert.All(r.GetProperty("sections").EnumerateArray(), s => Assert.True(s.GetProperty("found").GetBoolean(), s.GetProperty("id").GetString()));
        Assert.Equal(2, r.GetProperty("results").GetProperty("train").GetInt32());
    }

    [Fact]
    public void Report_numbers_are_the_ones_the_commands_printed()
    {
        string html = File.ReadAllText(fixture.Html);
        var metrics = Table(html, "metrics-table");
        Assert.Equal(3, metrics.Count);
        var header = metrics[0];
        foreach (var row in metrics.Skip(1))
        {
            var json = fixture.Trains[row[0]];
            var test = json.GetProperty("test");
            Assert.Equal(ReportFixture.F4(test.GetProperty("uar").GetDouble()), row[header.IndexOf("UAR")]);
            Assert.Equal(ReportFixture.F4(test.GetProperty("f1").GetDouble()), row[header.IndexOf("F1")]);
            Assert.Equal(ReportFixture.F4(test.GetProperty("rocAuc").GetDouble()), row[header.IndexOf("ROC-AUC")]);
            Assert.Equal(ReportFixture.F4(test.GetProperty("accuracy").GetDouble()), row[header.IndexOf("accuracy")]);
            var c = test.GetProperty("confusion");
            Assert.Equal($"{c.GetProperty("tn")} / {c.GetProperty("fp")} / {c.GetProperty("fn")} / {c.GetProperty("tp")}", row[header.IndexOf("TN / FP / FN / TP")]);
        }
        // Class balance from inspect's row count and label rate.
        var balance = Table(html, "class-balance");
        int rows = fixture.Inspect.GetProperty("rows").GetInt32();
        double rate = fixture.Inspect.GetProperty("labelRate").GetDouble();
        Assert.Equal(((int)Math.Round(rate * rows)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), balance[2][1]);
        // The schema table has one row per column of the inspect result, in order.
        var schema = Table(html, "schema-table");
        var names = fixture.Inspect.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names, schema.Skip(1).Select(r => r[0]).ToList());
        // The robustness matrix shows the result file's figures as written.
        var matrix = Table(html, "robustness-table");
        Assert.Equal("0.4121", matrix[1][matrix[0].IndexOf("attackAccuracy")]);
        Assert.Equal("0.7952", matrix[1][matrix[0].IndexOf("hardenedAttackAccuracy")]);
        // The attack result's before/after accuracy, and the method comparison from xai-bench.
        Assert.Contains("<td>before</td><td class=\"num\">0.9123</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>after</td><td class=\"num\">0.6018</td>", html, StringComparison.Ordinal);
        var methods = Table(html, "xai-bench-table");
        Assert.Equal("0.93", methods[2][methods[0].IndexOf("vsExact.cosine")]);
    }

    [Fact]
    public void Report_is_self_contained_and_escapes_text()
    {
        string html = File.ReadAllText(fixture.Html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("<title>Report &lt;test&gt; &amp; co</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<test>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_opens_in_headless_chromium_with_every_section_and_figure_and_no_errors()
    {
        await using var browser = await ChromiumSession.StartAsync(1280, 900);
        await browser.NavigateAsync(new Uri(Path.GetFullPath(fixture.Html)).AbsoluteUri);
        foreach (var id in ReportBuilder.SectionIds)
        {
            var found = await browser.EvaluateAsync($"(() => {{ const s = document.getElementById('{id}'); return s ? s.dataset.found : 'absent'; }})()");
            Assert.Equal("true", found?.GetValue<string>());
            Assert.True(await browser.EvaluateAsync($"document.querySelector('nav.toc a[href=\"#{id}\"]') !== null") is { } toc && toc.GetValue<bool>(), $"no TOC entry for {id}");
        }
        // Figures per section: embedding; ROC, PR, 2 score + 1 RE distributions, loss + accuracy; summary, mean |φ|,
        // 6 waterfalls, exclusion, inclusion; the robustness bars.
        var expected = new Dictionary<string, int> { ["data"] = 1, ["detection"] = 7, ["explanations"] = 10, ["robustness"] = 2 };
        foreach (var (id, n) in expected)
        {
            var count = await browser.EvaluateAsync($"document.querySelectorAll('#{id} figure.fig svg').length");
            Assert.True(count!.GetValue<int>() >= n, $"#{id}: {count} figures, expected at least {n}");
        }
        var drawn = await browser.EvaluateAsync("[...document.querySelectorAll('figure.fig svg')].every(s => { const r = s.getBoundingClientRect(); return r.width >= 300 && r.height >= 150; })");
        Assert.True(drawn!.GetValue<bool>(), "a figure is not laid out at a readable size");
        var tables = await browser.EvaluateAsync("['schema-table','class-balance','metrics-table','explain-rows','xai-bench-table','robustness-table','provenance-table'].every(id => document.getElementById(id) && document.getElementById(id).rows.length > 1)");
        Assert.True(tables!.GetValue<bool>(), "a table is missing or empty");

        byte[] png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 10_000 && png[0] == 0x89 && png[1] == (byte)'P', "the screenshot is not a PNG");
        string artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        string shot = Path.Combine(artifacts, "report.png");
        await File.WriteAllBytesAsync(shot, png);
        output.WriteLine($"screenshot: {shot}");

        lock (browser.Errors)
        {
            Assert.True(browser.Errors.Count == 0, "console errors: " + string.Join("; ", browser.Errors));
            Assert.True(browser.FailedRequests.Count == 0, "failed requests: " + string.Join("; ", browser.FailedRequests));
            Assert.All(browser.Requests, u => Assert.True(u.StartsWith("file:", StringComparison.Ordinal) || u.StartsWith("data:", StringComparison.Ordinal), $"external request {u}"));
        }
    }
}

public sealed class ReportCommandTests
{
    [Fact]
    public void Missing_results_make_sections_that_say_which_command_makes_them()
    {
        var dir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "other.json"), "{\"not\": \"a result\"}");
        string html = Path.Combine(dir, "r.html");
        var o = CliRunner.Run("report", "--from", dir, "--out", html, "--json");
        Assert.Equal(0, o.ExitCode);
        var sections = o.Json().GetProperty("sections").EnumerateArray().ToList();
        Assert.All(sections, s => Assert.False(s.GetProperty("found").GetBoolean()));
        string text = File.ReadAllText(html);
        foreach (var command in new[] { "xainomaly inspect", "xainomaly train", "xainomaly explain", "xainomaly robustness" })
            Assert.Contains(command, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_bad_input_and_a_broken_scores_file_names_its_line()
    {
        var o = CliRunner.Run("report", "--from", Path.Combine(TestPaths.TempDir(), "nope"), "--out", "x.html", "--json");
        Assert.Equal(3, o.ExitCode);
        Assert.Contains("nope", o.Json().GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var dir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "train-x.json"), "{\"command\":\"train\",\"kind\":\"x\",\"scores\":\"s.csv\"}");
        File.WriteAllText(Path.Combine(dir, "s.csv"), "row,label,score\n1,0,0.5\n2,1,oops\n");
        o = CliRunner.Run("report", "--from", dir, "--out", Path.Combine(dir, "r.html"), "--json");
        Assert.Equal(3, o.ExitCode);
        Assert.Contains("line 3", o.Json().GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var o = CliRunner.Run("report", "--help");
        Assert.Equal(0, o.ExitCode);
        foreach (var opt in new[] { "--from", "--out", "--title", "--json" }) Assert.Contains(opt, o.Stdout, StringComparison.Ordinal);
    }
}
