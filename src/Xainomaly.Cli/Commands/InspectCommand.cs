using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;
using Xainomaly.Data;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly inspect FILE</c>: the schema table of a KPI file.</summary>
internal static class InspectCommand
{
    public static Command Create(CliHost host)
    {
        var file = new Argument<string>("file") { Description = "KPI data: CSV (either UE naming or any KPI CSV) or UE report JSON lines (gzip detected by content)." };
        var json = CliHost.JsonOption();
        var outDir = new Option<string?>("--out") { Description = "Also write the result (with a 2-D t-SNE embedding of a row sample) to DIR/inspect.json for 'xainomaly report'." };
        var embedding = new Option<int>("--embedding") { Description = "Rows in the t-SNE embedding written with --out (a seeded sample; 0 = none; at most 2000).", DefaultValueFactory = _ => 1500 };
        var seed = CliHost.SeedOption(1);
        var data = new DataOptions();
        var command = new Command("inspect", "Print the schema of a KPI file: column, role, type, range, missing, distinct values, label rate.");
        command.Arguments.Add(file);
        data.AddTo(command);
        command.Options.Add(outDir);
        command.Options.Add(embedding);
        command.Options.Add(seed);
        command.Options.Add(json);
        host.SetAction(command, json, (parse, console) =>
        {
            var path = parse.GetValue(file)!;
            var table = KpiTableReader.Read(path, data.Read(parse));
            var summary = SchemaSummary.Of(table);
            var result = ToJson(path, table, summary);
            result["run"] = ResultFiles.Provenance(parse);
            if (parse.GetValue(outDir) is { } dir)
            {
                int n = parse.GetValue(embedding);
                if (n < 0 || n > MaxEmbeddingRows) throw new UsageException($"--embedding {n}: expected 0 to {MaxEmbeddingRows} rows.");
                if (n > 0) result["embedding"] = Embedding(console, table, n, parse.GetValue(seed));
                ResultFiles.Write(dir, "inspect.json", result);
            }
            if (console.Json)
            {
                console.WriteJson(result);
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
            ["command"] = "inspect",
            ["file"] = path,
            ["sha256"] = File.Exists(path) ? TrainCommand.Sha256(path) : null,
            ["rows"] = table.RowCount,
            ["labelRate"] = summary.PositiveRate,
            ["columns"] = cols,
        };
    }

    /// <summary>The embedding's row cap: exact t-SNE is O(n²) per iteration.</summary>
    internal const int MaxEmbeddingRows = 2000;

    /// <summary>
    /// A seeded sample of at most <paramref name="rows"/> rows, preprocessed like a model's inputs (one-hot and
    /// min–max), embedded in 2-D with exact t-SNE; the label of each sampled row rides along for the colours.
    /// </summary>
    internal static JsonObject Embedding(Output.CliConsole console, KpiTable table, int rows, long seed)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int n = Math.Min(rows, table.RowCount);
        var pick = new Xainomaly.Numerics.Rng(seed).Permutation(table.RowCount)[..n];
        Array.Sort(pick);
        var sample = table.SelectRows(pick);
        var pre = Preprocessor.Fit(sample);
        var x = pre.Transform(sample);
        var options = new Xainomaly.Reporting.TsneOptions { Seed = seed };
        console.Step($"t-SNE embedding of {n:N0} sampled rows ({pre.InputWidth} inputs), seed {seed}");
        var y = console.Progress("t-SNE", 1, progress =>
        {
            var r = Xainomaly.Reporting.Tsne.Embed(x, n, pre.InputWidth, options);
            progress.Report(1);
            return r;
        });
        int[]? labels = table.LabelColumn is null ? null : sample.Labels();
        var xs = new JsonArray();
        var ys = new JsonArray();
        var ls = new JsonArray();
        var ids = new JsonArray();
        for (int i = 0; i < n; i++)
        {
            ids.Add(pick[i]);
            xs.Add(Math.Round(y[2 * i], 4));
            ys.Add(Math.Round(y[2 * i + 1], 4));
            if (labels is not null) ls.Add(labels[i]);
        }
        return new JsonObject
        {
            ["method"] = "t-SNE (exact)",
            ["perplexity"] = Math.Min(options.Perplexity, (n - 1) / 3.0),
            ["iterations"] = options.Iterations,
            ["seed"] = seed,
            ["inputs"] = pre.InputWidth,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            ["rows"] = ids,
            ["x"] = xs,
            ["y"] = ys,
            ["labels"] = labels is null ? null : ls,
        };
    }
}
