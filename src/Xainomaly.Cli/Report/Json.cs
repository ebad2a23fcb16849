using System.Globalization;
using System.Text.Json.Nodes;

namespace Xainomaly.Cli.Report;

/// <summary>Tolerant readers of result JSON: a missing or mistyped property reads as null, never throws.</summary>
internal static class Json
{
    public static double? Num(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    public static double? Num(JsonNode? node, string key) => node is JsonObject o ? Num(o[key]) : null;

    public static string? Str(JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static JsonArray? Arr(JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonArray : null;

    public static JsonObject? Obj(JsonNode? node, string key) => node is JsonObject o ? o[key] as JsonObject : null;

    /// <summary>An array of numbers, or null when any element is not a number.</summary>
    public static double[]? Numbers(JsonNode? node)
    {
        if (node is not JsonArray a) return null;
        var r = new double[a.Count];
        for (int i = 0; i < r.Length; i++)
        {
            if (Num(a[i]) is not { } d) return null;
            r[i] = d;
        }
        return r;
    }

    /// <summary>Metrics the way the report prints them (4 decimals), so a reader can match them to the JSON.</summary>
    public static string F4(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "–";

    /// <summary>Any scalar as text (numbers with up to 6 significant digits).</summary>
    public static string Scalar(JsonNode? node) => node switch
    {
        null => "–",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("G6", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "yes" : "no",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>True for a number, string or boolean.</summary>
    public static bool IsScalar(JsonNode? node) => node is JsonValue;

    /// <summary>
    /// A table of the scalar properties of a list of objects: columns = union of scalar keys in first-seen order;
    /// nested objects are flattened one level ("attack.method").
    /// </summary>
    public static (List<string> Headers, List<List<string>> Rows, HashSet<int> Numeric) Flatten(IEnumerable<JsonObject> items)
    {
        var headers = new List<string>();
        var rows = new List<Dictionary<string, JsonNode?>>();
        foreach (var item in items)
        {
            var flat = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (k, v) in item)
            {
                if (IsScalar(v)) flat[k] = v;
                else if (v is JsonObject inner)
                    foreach (var (k2, v2) in inner)
                        if (IsScalar(v2)) flat[k + "." + k2] = v2;
            }
            foreach (var k in flat.Keys) if (!headers.Contains(k)) headers.Add(k);
            rows.Add(flat);
        }
        var numeric = new HashSet<int>();
        for (int c = 0; c < headers.Count; c++)
            if (rows.All(r => !r.TryGetValue(headers[c], out var v) || v is null || Num(v) is not null)) numeric.Add(c);
        var cells = rows.Select(r => headers.Select(h => r.TryGetValue(h, out var v) ? Scalar(v) : "–").ToList()).ToList();
        return (headers, cells, numeric);
    }

    /// <summary>Every object in the tree (depth first, the root included).</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, v) in o)
                foreach (var inner in Objects(v)) yield return inner;
        }
        else if (node is JsonArray a)
        {
            foreach (var v in a)
                foreach (var inner in Objects(v)) yield return inner;
        }
    }
}
