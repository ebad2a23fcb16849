using System.Text.Json.Nodes;

namespace Xainomaly.Cli.Report;

/// <summary>One command result found under <c>--from DIR</c>: the JSON object and the file it came from.</summary>
internal sealed record ResultFile(string Path, string Command, JsonObject Json)
{
    /// <summary>A file the result names (e.g. the scores CSV), resolved against the result's directory.</summary>
    public string Sibling(string name) => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, name);
}
