using System.Text.Json;

using Xainomaly.Cli;

namespace Xainomaly.Tests.Cli;

/// <summary>Runs the xainomaly command in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Stdout parsed as exactly one JSON object (fails the test otherwise).</summary>
        public JsonElement Json()
        {
            using var doc = JsonDocument.Parse(Stdout);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
            return doc.RootElement.Clone();
        }
    }

    public static Outcome Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return new Outcome(code, stdout.ToString(), stderr.ToString());
    }
}
