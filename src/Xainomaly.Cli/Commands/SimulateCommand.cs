using System.CommandLine;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Simulation;

namespace Xainomaly.Cli.Commands;

/// <summary><c>xainomaly simulate</c>: realistic KPI data with labelled anomalies, written as CSV or UE report JSON lines.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliHost host)
    {
        var scenario = new Option<string>("--scenario") { Description = "What to simulate: ue-traffic (O-RAN UE measurement reports).", DefaultValueFactory = _ => "ue-traffic" };
        scenario.AcceptOnlyFromAmong("ue-traffic");
        var ues = new Option<int>("--ues") { Description = "Number of UEs.", DefaultValueFactory = _ => 20 };
        var seconds = new Option<double>("--seconds") { Description = "Simulated time in seconds.", DefaultValueFactory = _ => 60 };
        var rate = new Option<double?>("--anomaly-rate") { Description = "Share of records inside anomaly episodes (default 0.25, like valid.csv)." };
        var kinds = new Option<string[]>("--anomaly-kinds") { Description = "Anomaly kinds to inject: coverage-hole, interference, congestion, cell-outage (default: all).", AllowMultipleArgumentsPerToken = true };
        var reportMs = new Option<int?>("--report-ms") { Description = "Report interval in milliseconds (a multiple of 10; default 80)." };
        var episode = new Option<double?>("--episode-seconds") { Description = "Mean length of an anomaly episode in seconds (default 2)." };
        var sites = new Option<int?>("--sites") { Description = "Sites (= DUs) on the hexagonal grid (default 13)." };
        var bands = new Option<string[]>("--bands") { Description = "Carriers per site among B2, B13, N77 (default all three).", AllowMultipleArgumentsPerToken = true };
        var isd = new Option<double?>("--isd") { Description = "Inter-site distance in metres (default 800)." };
        var start = new Option<DateTime?>("--start") { Description = "First report time, e.g. 2021-06-25T11:42:33.685 (default valid.csv's start)." };
        var seed = CliHost.SeedOption(7);
        var output = new Option<string>("--out") { Description = "Output file: .csv, .jsonl (UE report JSON lines), optionally .gz.", Required = true };
        var json = CliHost.JsonOption();
        var command = new Command("simulate", "Generate realistic KPI data with labelled anomalies of named kinds. Same seed, same bytes.");
        foreach (var o in new Option[] { scenario, ues, seconds, rate, kinds, reportMs, episode, sites, bands, isd, start, seed, output, json }) command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            var path = parse.GetValue(output)!;
            var options = new UeTrafficOptions { Ues = parse.GetValue(ues), Seconds = parse.GetValue(seconds), Seed = parse.GetValue(seed) };
            if (parse.GetValue(rate) is { } r) options = options with { AnomalyRate = r };
            if (parse.GetValue(reportMs) is { } ms) options = options with { ReportInterval = TimeSpan.FromMilliseconds(ms) };
            if (parse.GetValue(episode) is { } ep) options = options with { EpisodeSeconds = ep };
            if (parse.GetValue(sites) is { } st) options = options with { Sites = st };
            if (parse.GetValue(bands) is { Length: > 0 } bs) options = options with { Bands = [.. bs.SelectMany(b => b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))] };
            if (parse.GetValue(isd) is { } d) options = options with { InterSiteDistance = d };
            if (parse.GetValue(start) is { } t0) options = options with { StartTime = DateTime.SpecifyKind(t0, DateTimeKind.Unspecified) };
            if (parse.GetValue(kinds) is { Length: > 0 } names) options = options with { AnomalyKinds = ParseKinds(names) };
            var table = Run(options, path, console);
            var labels = table.Labels();
            int anomalies = labels.Sum();
            console.Result($"Wrote [bold]{table.RowCount:N0}[/] records ({anomalies:N0} anomalous, {100.0 * anomalies / Math.Max(1, table.RowCount):F1} %) to [bold]{Spectre.Console.Markup.Escape(path)}[/]");
            console.WriteJson(new JsonObject
            {
                ["scenario"] = parse.GetValue(scenario),
                ["out"] = path,
                ["rows"] = table.RowCount,
                ["anomalies"] = anomalies,
                ["anomalyKinds"] = KindCounts(table),
                ["seed"] = options.Seed,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static UeAnomalyKind[] ParseKinds(string[] names)
    {
        var list = new List<UeAnomalyKind>();
        foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!UeTrafficSimulator.TryParseKind(name, out var kind))
                throw new UsageException($"--anomaly-kinds: unknown kind '{name}', expected coverage-hole, interference, congestion or cell-outage.");
            list.Add(kind);
        }
        return [.. list];
    }

    /// <summary>Simulates and writes the file chosen by its extension.</summary>
    internal static KpiTable Run(UeTrafficOptions options, string path, Output.CliConsole console)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        bool jsonLines = name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (!jsonLines && !name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out {path}: use a .csv or .jsonl file name (optionally with .gz).");
        var table = UeTrafficSimulator.Generate(options);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (jsonLines) UeReportJsonWriter.Write(table, path);
        else KpiCsvWriter.Write(table, path);
        console.Note($"simulated {options.Ues} UEs for {options.Seconds:G} s (seed {options.Seed})");
        return table;
    }

    private static JsonObject KindCounts(KpiTable table)
    {
        var counts = new JsonObject();
        if (!table.TryGetColumn(UeSchema.AnomalyKind, out var kinds) || kinds.Texts is null) return counts;
        foreach (var g in kinds.Texts.Where(k => k.Length > 0).GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal))
            counts[g.Key] = g.Count();
        return counts;
    }
}
