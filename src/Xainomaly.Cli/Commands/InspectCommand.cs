using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Data;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly inspect FILE</c>: the schema table of a KPI file.</summary>
internal static class InspectCommand
{
    public static Command Create(CliHost host)
    {
        var file = new Argument<string>("file") { Description = "KPI data: CSV (either UE naming or any KPI CSV) or UE report JSON lines (gzip detected by content)." };
        var json = CliHost.JsonOption();
        var data = new DataOptions();
        var command = new Command("inspect", "Print the schema of a KPI file: column, role, type, range, missing, distinct values, label rate.");
        command.Arguments.Add(file);
        data.AddTo(command);
        command.Options.Add(json);
        host.SetAction(command, json, (parse, console) =>
        {
            var path = parse.GetValue(file)!;
            var table = KpiTableReader.Read(path, data.Read(parse));
            var summary = SchemaSummary.Of(table);
            if (console.Json)
            {
                console.WriteJson(ToJson(path, table, summary));
                return ExitCodes.Success;
            }
            console.Out.MarkupLine($"[bold]{Markup.Escape(path)}[/]: {table.RowCount:N0} rows, {table.Columns.Count} columns");
            console.Table(Render(summary));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static Table Render(SchemaSummary summary)
    {
        var t = new Table().Border(TableBorder.Rounded);
        t.AddColumn("column");
        t.AddColumn("role");
        t.AddColumn("type");
        t.AddColumn(new TableColumn("min").RightAligned());
        t.AddColumn(new TableColumn("max").RightAligned());
        t.AddColumn(new TableColumn("mean").RightAligned());
        t.AddColumn(new TableColumn("missing").RightAligned());
        t.AddColumn(new TableColumn("distinct").RightAligned());
        t.AddColumn(new TableColumn("label rate").RightAligned());
        foreach (var c in summary.Columns)
        {
            t.AddRow(
                Markup.Escape(c.Name),
                c.Role.ToString(),
                c.IsNumeric ? "number" : "text",
                Num(c.Min),
                Num(c.Max),
                Num(c.Mean),
                c.Missing.ToString(CultureInfo.InvariantCulture),
                c.Distinct.ToString(CultureInfo.InvariantCulture),
                c.PositiveRate is { } r ? (100 * r).ToString("F2", CultureInfo.InvariantCulture) + "%" : "");
        }
        return t;
    }

    private static string Num(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "";

    internal static JsonObject ToJson(string path, KpiTable table, SchemaSummary summary)
    {
        var cols = new JsonArray();
        foreach (var c in summary.Columns)
        {
            cols.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["role"] = c.Role.ToString(),
                ["type"] = c.IsNumeric ? "number" : "text",
                ["min"] = c.Min,
                ["max"] = c.Max,
                ["mean"] = c.Mean,
                ["missing"] = c.Missing,
                ["distinct"] = c.Distinct,
                ["labelRate"] = c.PositiveRate,
            });
        }
        return new JsonObject
        {
            ["file"] = path,
            ["rows"] = table.RowCount,
            ["columns"] = cols,
        };
    }
}
