using System.CommandLine;

using Xainomaly.Data;

namespace Xainomaly.Cli;

/// <summary>The options every command that reads a KPI file takes: how to read columns of a file outside the UE schema.</summary>
internal sealed class DataOptions
{
    public Option<string?> Label { get; } = new("--label") { Description = "Label column (0/1, 1 = anomalous). Default: Anomaly / Viavi.UE.anomalies, or a column named label/anomaly." };

    public Option<string[]> Exclude { get; } = new("--exclude") { Description = "Columns to drop (comma-separated or repeated).", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> Id { get; } = new("--id") { Description = "Extra identifier columns: kept as context, never model inputs.", AllowMultipleArgumentsPerToken = true };

    public Option<string?> Time { get; } = new("--time") { Description = "Timestamp column: kept as context, never a model input." };

    public Option<string[]> Nominal { get; } = new("--nominal") { Description = "Columns to treat as categories (one-hot encoded).", AllowMultipleArgumentsPerToken = true };

    public void AddTo(Command command)
    {
        command.Options.Add(Label);
        command.Options.Add(Exclude);
        command.Options.Add(Id);
        command.Options.Add(Time);
        command.Options.Add(Nominal);
    }

    public KpiReadOptions Read(ParseResult parse) => new()
    {
        Label = parse.GetValue(Label),
        Exclude = Split(parse.GetValue(Exclude)),
        Identifiers = Split(parse.GetValue(Id)),
        Time = parse.GetValue(Time),
        Nominal = Split(parse.GetValue(Nominal)),
    };

    private static string[] Split(string[]? values)
    {
        if (values is null) return [];
        var list = new List<string>();
        foreach (var v in values)
            foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                list.Add(part);
        return [.. list];
    }
}
