using System.CommandLine;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Cli.Report;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly report</c>: one self-contained HTML file from the result files under a directory.</summary>
internal static class ReportCommand
{
    public static Command Create(CliHost host)
    {
        var from = new Option<string>("--from") { Description = "Directory searched (recursively) for result JSON files written by train --results, inspect/sweep/evaluate/explain/xai-bench/attack/robustness --out, and demo.", Required = true };
        var output = new Option<string>("--out") { Description = "HTML file to write.", DefaultValueFactory = _ => "report.html" };
        var title = new Option<string>("--title") { Description = "Report title.", DefaultValueFactory = _ => "Xainomaly report" };
        var json = CliHost.JsonOption();
        var command = new Command("report", "Build one self-contained HTML report (inline figures, no network needed) from the result files under a directory: data, detection, explanations, robustness, and how it was made.");
        foreach (var o in new Option[] { from, output, title, json }) command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            var result = Build(console, parse.GetValue(from)!, parse.GetValue(output)!, parse.GetValue(title)!, ResultFiles.Provenance(parse));
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Builds and writes the report; returns the command's JSON object (path, sections found).</summary>
    internal static JsonObject Build(CliConsole console, string fromDir, string outPath, string title, JsonObject provenance)
    {
        if (string.IsNullOrWhiteSpace(title)) throw new UsageException("--title: expected a non-empty title.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = new ResultSet(fromDir);
        console.Step($"Report from {results.All.Count} result files under {results.Directory}");
        var report = new ReportBuilder(results).Build(title);
        report.Save(outPath);
        var full = Path.GetFullPath(outPath);
        var sections = new JsonArray();
        foreach (var s in report.Sections) sections.Add(new JsonObject { ["id"] = s.Id, ["title"] = s.Title, ["found"] = s.Found });
        var commands = new JsonObject();
        foreach (var g in results.All.GroupBy(r => r.Command)) commands[g.Key] = g.Count();
        var t = new Table().Border(TableBorder.Rounded).Title("report sections");
        t.AddColumn("section");
        t.AddColumn("results");
        foreach (var s in report.Sections) t.AddRow(Markup.Escape(s.Title), s.Found ? "[green]found[/]" : "[yellow]missing[/]");
        console.Table(t);
        console.Result($"Report written to [bold]{Markup.Escape(full)}[/] ({new FileInfo(full).Length / 1024.0:F0} KiB)");
        return new JsonObject
        {
            ["command"] = "report",
            ["path"] = full,
            ["from"] = results.Directory,
            ["bytes"] = new FileInfo(full).Length,
            ["sections"] = sections,
            ["results"] = commands,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["run"] = provenance,
        };
    }
}
