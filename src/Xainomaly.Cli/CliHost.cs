using System.CommandLine;

using Xainomaly.Cli.Output;

namespace Xainomaly.Cli;

/// <summary>What every command shares: the output writers and the options most commands take.</summary>
internal sealed class CliHost(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Stdout { get; } = stdout;

    public TextWriter Stderr { get; } = stderr;

    /// <summary>A fresh <c>--json</c> option (System.CommandLine wants one instance per command).</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print exactly one JSON object on stdout (progress still goes to stderr)." };

    /// <summary>A fresh <c>--seed</c> option.</summary>
    public static Option<long> SeedOption(long defaultSeed = 42) =>
        new("--seed") { Description = "Seed of every random choice; the same seed gives the same result.", DefaultValueFactory = _ => defaultSeed };

    /// <summary>Sets the command's action: parses --json, builds the console, guards the body.</summary>
    public void SetAction(Command command, Option<bool> json, Func<ParseResult, CliConsole, int> body)
    {
        command.SetAction(parse =>
        {
            var console = new CliConsole(Stdout, Stderr, parse.GetValue(json));
            return CliApp.Guard(console, () => body(parse, console));
        });
    }
}
