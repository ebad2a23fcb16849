using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;

namespace Xainomaly.Cli.Report;

/// <summary>
/// Every result JSON under a directory (recursively): files whose root is an object with a string
/// <c>"command"</c> property. Other JSON files (sweep run caches, unrelated files) are skipped and counted.
/// </summary>
internal sealed class ResultSet
{
    private readonly List<ResultFile> _results = [];

    public ResultSet(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"--from {directory}: directory not found.");
        Directory = System.IO.Path.GetFullPath(directory);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = System.IO.Directory.GetFiles(Directory, "*.json", SearchOption.AllDirectories);
        // Ordinal order keeps the report the same from run to run whatever order the file system lists files in.
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var path in files)
        {
            string text = File.ReadAllText(path);
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                Skipped++;
                continue;
            }
            if (node is not JsonObject obj || obj["command"] is not JsonValue v || !v.TryGetValue<string>(out var command))
            {
                Skipped++;
                continue;
            }
            // sweep writes the same object as table.json and sweep.json: show it once.
            string key = command + "\n" + System.IO.Path.GetDirectoryName(path) + "\n" + text.GetHashCode(StringComparison.Ordinal);
            if (!seen.Add(key)) continue;
            _results.Add(new ResultFile(path, command, obj));
        }
    }

    /// <summary>The directory searched.</summary>
    public string Directory { get; }

    /// <summary>JSON files that were not command results.</summary>
    public int Skipped { get; }

    /// <summary>All results, in path order.</summary>
    public IReadOnlyList<ResultFile> All => _results;

    /// <summary>The results of one command, in path order.</summary>
    public IReadOnlyList<ResultFile> Of(string command) => [.. _results.Where(r => r.Command == command)];

    /// <summary>Reads a per-row scores CSV written by <c>train --results</c>: label, score and (optionally) reconstruction error.</summary>
    /// <exception cref="DataFormatException">A line that is not the expected numbers.</exception>
    public static (int[] Labels, float[] Scores, float[]? Re) ReadScores(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("row,label,score", StringComparison.Ordinal))
            throw new DataFormatException(path, "expected the header 'row,label,score[,re]'.", 1);
        bool hasRe = lines[0] == "row,label,score,re";
        var labels = new List<int>();
        var scores = new List<float>();
        var re = hasRe ? new List<float>() : null;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != (hasRe ? 4 : 3) || !int.TryParse(f[1], inv, out int y) || !float.TryParse(f[2], inv, out float s) || (hasRe && !float.TryParse(f[3], inv, out _)))
                throw new DataFormatException(path, $"expected {(hasRe ? 4 : 3)} numbers (row, label, score{(hasRe ? ", re" : "")}); got '{lines[i]}'.", i + 1);
            labels.Add(y);
            scores.Add(s);
            re?.Add(float.Parse(f[3], inv));
        }
        return ([.. labels], [.. scores], re?.ToArray());
    }
}
