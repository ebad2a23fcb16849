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
        var scenario = new Option<string>("--scenario") { Description = "What to simulate: ue-traffic (O-RAN UE measurement reports) or lte-erab (hourly per-eNodeB E-RAB drop-rate KPIs, the SON paper's shape).", DefaultValueFactory = _ => "ue-traffic" };
        scenario.AcceptOnlyFromAmong("ue-traffic", "lte-erab");
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
        var enodebs = new Option<int?>("--enodebs") { Description = "lte-erab: number of eNodeBs (default 2)." };
        var days = new Option<int?>("--days") { Description = "lte-erab: simulated days of hourly records (default 93)." };
        var episodeHours = new Option<int?>("--episode-hours") { Description = "lte-erab: mean anomaly episode length in hours (default 3)." };
        var subtle = new Option<double?>("--subtle-share") { Description = "lte-erab: share of subtle anomaly episodes, 0–1 (default 0.2)." };
        var seed = CliHost.SeedOption(7);
        var output = new Option<string>("--out") { Description = "Output file: .csv, .jsonl (ue-traffic: UE report JSON lines; lte-erab: one flat object a line), optionally .gz.", Required = true };
        var json = CliHost.JsonOption();
        var command = new Command("simulate", "Generate realistic KPI data with labelled anomalies of named kinds. Same seed, same bytes.");
        foreach (var o in new Option[] { scenario, ues, seconds, rate, kinds, reportMs, episode, sites, bands, isd, start, enodebs, days, episodeHours, subtle, seed, output, json }) command.Options.Add(o);
        host.SetAction(command, json, (parse, console) =>
        {
            var path = parse.GetValue(output)!;
            if (parse.GetValue(scenario) == "lte-erab")
            {
                foreach (var o in new Option[] { ues, seconds, kinds, reportMs, episode, sites, bands, isd })
                    if (parse.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} applies to --scenario ue-traffic, not lte-erab.");
                var erab = new LteErabOptions { Seed = parse.GetValue(seed) };
                if (parse.GetValue(enodebs) is { } en) erab = erab with { Enodebs = en };
                if (parse.GetValue(days) is { } dd) erab = erab with { Days = dd };
                if (parse.GetValue(rate) is { } er) erab = erab with { AnomalyRate = er };
                if (parse.GetValue(episodeHours) is { } eh) erab = erab with { EpisodeHours = eh };
                if (parse.GetValue(subtle) is { } ss) erab = erab with { SubtleShare = ss };
                if (parse.GetValue(start) is { } s0) erab = erab with { StartTime = DateTime.SpecifyKind(s0, DateTimeKind.Unspecified) };
                return WriteResult(console, "lte-erab", path, RunErab(erab, path, console), erab.Seed);
            }
            foreach (var o in new Option[] { enodebs, days, episodeHours, subtle })
                if (parse.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} applies to --scenario lte-erab, not ue-traffic.");
            var options = new UeTrafficOptions { Ues = parse.GetValue(ues), Seconds = parse.GetValue(seconds), Seed = parse.GetValue(seed) };
            if (parse.GetValue(rate) is { } r) options = options with { AnomalyRate = r };
            if (parse.GetValue(reportMs) is { } ms) options = options with { ReportInterval = TimeSpan.FromMilliseconds(ms) };
            if (parse.GetValue(episode) is { } ep) options = options with { EpisodeSeconds = ep };
            if (parse.GetValue(sites) is { } st) options = options with { Sites = st };
            if (parse.GetValue(bands) is { Length: > 0 } bs) options = options with { Bands = [.. bs.SelectMany(b => b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))] };
            if (parse.GetValue(isd) is { } d) options = options with { InterSiteDistance = d };
            if (parse.GetValue(start) is { } t0) options = options with { StartTime = DateTime.SpecifyKind(t0, DateTimeKind.Unspecified) };
            if (parse.GetValue(kinds) is { Length: > 0 } names) options = options with { AnomalyKinds = ParseKinds(names) };
            return WriteResult(console, "ue-traffic", path, Run(options, path, console), options.Seed);
        });
        return command;
    }

    private static int WriteResult(Output.CliConsole console, string scenario, string path, KpiTable table, long seed)
    {
        var labels = table.Labels();
        int anomalies = labels.Sum();
        console.Result($"Wrote [bold]{table.RowCount:N0}[/] records ({anomalies:N0} anomalous, {100.0 * anomalies / Math.Max(1, table.RowCount):F1} %) to [bold]{Spectre.Console.Markup.Escape(path)}[/]");
        console.WriteJson(new JsonObject
        {
            ["command"] = "simulate",
            ["scenario"] = scenario,
            ["out"] = path,
            ["rows"] = table.RowCount,
            ["anomalies"] = anomalies,
            ["anomalyKinds"] = KindCounts(table),
            ["seed"] = seed,
        });
        return ExitCodes.Success;
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
        bool jsonLines = IsJsonLines(path);
        var table = UeTrafficSimulator.Generate(options);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (jsonLines) UeReportJsonWriter.Write(table, path);
        else KpiCsvWriter.Write(table, path);
        console.Note($"simulated {options.Ues} UEs for {options.Seconds:G} s (seed {options.Seed})");
        return table;
    }

    /// <summary>Simulates the LTE E-RAB scenario and writes CSV or flat JSON lines chosen by the extension.</summary>
    internal static KpiTable RunErab(LteErabOptions options, string path, Output.CliConsole console)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
        bool jsonLines = IsJsonLines(path);
        var table = LteErabSimulator.Generate(options);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (jsonLines) KpiJsonLinesWriter.Write(table, path);
        else KpiCsvWriter.Write(table, path);
        console.Note($"simulated {options.Enodebs} eNodeBs for {options.Days} days of hourly records (seed {options.Seed})");
        return table;
    }

    /// <summary>True for .jsonl/.json output, false for .csv (either optionally .gz); anything else is a usage error.</summary>
    private static bool IsJsonLines(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        bool jsonLines = name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (!jsonLines && !name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--out {path}: use a .csv or .jsonl file name (optionally with .gz).");
        return jsonLines;
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
