using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xainomaly.Cli.Output;

/// <summary>
/// The result files commands leave for <c>xainomaly report</c>: the command's one JSON object, written to
/// <c>DIR/&lt;name&gt;.json</c>, and the provenance block ("how it was made") every result carries.
/// </summary>
internal static class ResultFiles
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The product version (informational version of the core assembly, without build metadata).</summary>
    public static string ProductVersion
    {
        get
        {
            var asm = typeof(Xainomaly.Data.KpiTable).Assembly;
            string v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString() ?? "unknown";
            int plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus > 0 ? v[..plus] : v;
        }
    }

    /// <summary>Command line, versions (product, .NET, OS) and the time of the run.</summary>
    public static JsonObject Provenance(ParseResult parse)
    {
        var line = new StringBuilder("xainomaly");
        foreach (var t in parse.Tokens) line.Append(' ').Append(Quote(t.Value));
        return Provenance(line.ToString());
    }

    /// <summary>Provenance of a run described by an explicit command line.</summary>
    public static JsonObject Provenance(string commandLine) => new()
    {
        ["commandLine"] = commandLine,
        ["version"] = ProductVersion,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["processors"] = Environment.ProcessorCount,
        ["utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Writes <paramref name="result"/> to <c>dir/fileName</c> (creating the directory) and returns the path.</summary>
    public static string Write(string dir, string fileName, JsonNode result)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, fileName);
        File.WriteAllText(path, result.ToJsonString(Options) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or '=' or ':') ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
