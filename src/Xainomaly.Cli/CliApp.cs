using System.CommandLine;
using System.Text.Json.Nodes;

using Xainomaly.Cli.Commands;
using Xainomaly.Cli.Output;
using Xainomaly.Data;

namespace Xainomaly.Cli;

/// <summary>The <c>xainomaly</c> command: builds the command tree, runs one command and maps failures to exit codes.</summary>
internal static class CliApp
{
    /// <summary>Runs the command line against the process's console.</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with explicit writers (tests capture both streams this way).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var host = new CliHost(stdout, stderr);
        var root = BuildRoot(host);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            bool json = args.Contains("--json");
            foreach (var e in parse.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine($"Run '{CommandName(parse)} --help' for usage.");
            if (json) WriteJsonError(stdout, "usage", string.Join("; ", parse.Errors.Select(e => e.Message)), ExitCodes.Usage);
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return parse.Invoke(config);
    }

    private static string CommandName(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        names[0] = "xainomaly";
        return string.Join(' ', names);
    }

    /// <summary>The whole command tree.</summary>
    public static RootCommand BuildRoot(CliHost host)
    {
        var root = new RootCommand(
            "Xainomaly: explainable, attack-resistant anomaly detection on radio-network KPIs. " +
            "Load or simulate O-RAN UE traffic, train a detector with few labels, explain every anomaly, " +
            "measure how easily an attacker fools it, and harden it.");
        root.Subcommands.Add(InspectCommand.Create(host));
        root.Subcommands.Add(SimulateCommand.Create(host));
        root.Subcommands.Add(TrainCommand.Create(host));
        root.Subcommands.Add(EvaluateCommand.Create(host));
        root.Subcommands.Add(ScoreCommand.Create(host));
        root.Subcommands.Add(SweepCommand.Create(host));
        root.Subcommands.Add(DemoCommand.Create(host));
        root.Subcommands.Add(ReportCommand.Create(host));
        root.Subcommands.Add(ServeCommand.Create(host));
        root.Subcommands.Add(FitExplainerCommand.Create(host));
        root.Subcommands.Add(ExplainCommand.Create(host));
        root.Subcommands.Add(XaiBenchCommand.Create(host));
        root.Subcommands.Add(SteerCommand.Create(host));
        root.Subcommands.Add(ReplayCommand.Create(host));
        root.Subcommands.Add(AttackCommand.Create(host));
        root.Subcommands.Add(HardenCommand.Create(host));
        root.Subcommands.Add(RobustnessCommand.Create(host));
        root.Subcommands.Add(TuneCommand.Create(host));
        return root;
    }

    /// <summary>Writes the one JSON object of a failed --json command.</summary>
    internal static void WriteJsonError(TextWriter stdout, string kind, string message, int exitCode)
    {
        var node = new JsonObject
        {
            ["error"] = new JsonObject { ["kind"] = kind, ["message"] = message },
            ["exitCode"] = exitCode,
        };
        stdout.WriteLine(node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Runs a command body, turning the product's exceptions into one-line messages and exit codes.</summary>
    internal static int Guard(CliConsole console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            return Fail(console, "usage", e.Message, ExitCodes.Usage);
        }
        catch (DataFormatException e)
        {
            return Fail(console, "bad-input", e.Message, ExitCodes.BadInput);
        }
        catch (FileNotFoundException e)
        {
            return Fail(console, "bad-input", e.FileName is null ? e.Message : $"{e.FileName}: file not found.", ExitCodes.BadInput);
        }
        catch (DirectoryNotFoundException e)
        {
            return Fail(console, "bad-input", e.Message, ExitCodes.BadInput);
        }
        catch (InvalidDataException e)
        {
            return Fail(console, "bad-input", e.Message, ExitCodes.BadInput);
        }
        catch (OperationCanceledException)
        {
            return Fail(console, "cancelled", "Cancelled.", ExitCodes.Failure);
        }
        catch (Exception e)
        {
            return Fail(console, "error", $"{e.GetType().Name}: {e.Message}", ExitCodes.Failure);
        }
    }

    private static int Fail(CliConsole console, string kind, string message, int code)
    {
        console.StderrWriter.WriteLine($"error: {message}");
        if (console.Json) WriteJsonError(console.StdoutWriter, kind, message, code);
        return code;
    }
}
