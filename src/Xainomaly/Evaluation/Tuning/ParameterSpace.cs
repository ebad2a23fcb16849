using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Numerics;

namespace Xainomaly.Evaluation.Tuning;

/// <summary>
/// A hyper-parameter grid: an ordered list of parameters, each with the values to try. Read from JSON
/// (<c>{"layers":[1,2,3],"learningRate":[1e-4,1e-3]}</c>) or a small YAML subset (<c>layers: [1, 2, 3]</c>, one
/// parameter per line, <c>#</c> comments); presets <see cref="Paper"/> (Table III) and <see cref="Depth"/> (CAE1–CAE5).
/// </summary>
public sealed class ParameterSpace
{
    private enum ValueType { Int, Number, Name }

    private static readonly Dictionary<string, (ValueType Type, double Min, double Max, string[]? Names)> Known = new(StringComparer.Ordinal)
    {
        ["layers"] = (ValueType.Int, 1, 16, null),
        ["widthFactor"] = (ValueType.Number, 1e-3, 100, null),
        ["hiddenWidth"] = (ValueType.Int, 1, 65_536, null),
        ["learningRate"] = (ValueType.Number, 1e-9, 10, null),
        ["batchSize"] = (ValueType.Int, 2, 65_536, null),
        ["labelledPerBatch"] = (ValueType.Int, 0, 65_536, null),
        ["loss"] = (ValueType.Name, 0, 0, ["mse", "mae", "smape"]),
        ["optimizer"] = (ValueType.Name, 0, 0, ["adam", "sgd", "rmsprop"]),
        ["steps"] = (ValueType.Int, 1, 10_000_000, null),
        ["lambdaC"] = (ValueType.Number, 0, 1e6, null),
        ["lambda"] = (ValueType.Number, 0, 1e6, null),
    };

    private readonly (string Name, object[] Values)[] _parameters;

    private ParameterSpace(string name, IEnumerable<(string Name, object[] Values)> parameters)
    {
        Name = name;
        _parameters = [.. parameters];
    }

    /// <summary>Where the space came from (a preset name or a file path).</summary>
    public string Name { get; }

    /// <summary>The searchable parameter names.</summary>
    public static IReadOnlyCollection<string> ParameterNames => Known.Keys;

    /// <summary>The parameters and their values, in order.</summary>
    public IReadOnlyList<(string Name, object[] Values)> Parameters => _parameters;

    /// <summary>Number of configurations in the full grid (the product of the value counts).</summary>
    public long Count
    {
        get
        {
            long n = 1;
            foreach (var p in _parameters) n = checked(n * p.Values.Length);
            return n;
        }
    }

    /// <summary>
    /// Paper Table III for SS-DeepCAE: 1–3 hidden layers, width 0.5–5× the input (steps of 0.5), learning rate
    /// 1e-4–1e-2, batch 32–512, MAE/MSE/sMAPE, 1,000–40,000 steps, RMSprop/SGD/Adam (20,250 configurations).
    /// </summary>
    public static ParameterSpace Paper { get; } = new("paper",
    [
        ("layers", [1, 2, 3]),
        ("widthFactor", [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]),
        ("learningRate", [1e-4, 1e-3, 1e-2]),
        ("batchSize", [32, 64, 128, 256, 512]),
        ("loss", ["mae", "mse", "smape"]),
        ("steps", [1_000, 5_000, 10_000, 20_000, 40_000]),
        ("optimizer", ["rmsprop", "sgd", "adam"]),
    ]);

    /// <summary>The depth study (paper Fig. 6): CAE1–CAE5, 1–5 hidden layers at the paper's other settings (width 3×, lr 1e-3, batch 64, MSE, 10,000 steps, Adam).</summary>
    public static ParameterSpace Depth { get; } = new("depth",
    [
        ("layers", [1, 2, 3, 4, 5]),
        ("widthFactor", [3.0]),
        ("learningRate", [1e-3]),
        ("batchSize", [64]),
        ("loss", ["mse"]),
        ("steps", [10_000]),
        ("optimizer", ["adam"]),
    ]);

    /// <summary>A preset by name (paper, depth); null when unknown.</summary>
    public static ParameterSpace? Preset(string name) => name switch
    {
        "paper" => Paper,
        "depth" => Depth,
        _ => null,
    };

    /// <summary>Reads a grid file (JSON object, or the YAML subset when it does not start with '{').</summary>
    /// <exception cref="DataFormatException">Unknown parameter, empty list, wrong value type or out-of-range value, naming the key.</exception>
    public static ParameterSpace Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Grid file '{path}' not found.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses grid text; <paramref name="source"/> names it in errors.</summary>
    public static ParameterSpace Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[') ? ParseJson(text, source) : ParseYaml(text, source);
        if (entries.Count == 0) throw new DataFormatException(source, "the grid names no parameter; expected e.g. {\"layers\": [1, 2, 3]}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parameters = new List<(string, object[])>();
        foreach (var (key, node, line) in entries)
        {
            if (!Known.TryGetValue(key, out var spec))
                throw new DataFormatException(source, $"unknown parameter '{key}'; expected one of {string.Join(", ", Known.Keys)}", line, key);
            if (!seen.Add(key)) throw new DataFormatException(source, $"parameter '{key}' is given twice", line, key);
            var items = node is JsonArray a ? [.. a] : new List<JsonNode?> { node };
            if (items.Count == 0) throw new DataFormatException(source, $"'{key}' has an empty list; give at least one value", line, key);
            var values = new object[items.Count];
            for (int i = 0; i < items.Count; i++) values[i] = Convert(items[i], key, spec, source, line, i);
            parameters.Add((key, values));
        }
        return new ParameterSpace(source, parameters);
    }

    private static object Convert(JsonNode? node, string key, (ValueType Type, double Min, double Max, string[]? Names) spec, string source, long? line, int index)
    {
        string where = $"'{key}' item {index + 1}";
        string what = spec.Type switch
        {
            ValueType.Int => "an integer",
            ValueType.Number => "a number",
            _ => $"one of {string.Join(", ", spec.Names!)}",
        };
        if (node is not JsonValue v) throw new DataFormatException(source, $"{where} is {Describe(node)}; expected {what}", line, key);
        if (spec.Type == ValueType.Name)
        {
            if (!v.TryGetValue(out string? s) || Array.IndexOf(spec.Names!, s.ToLowerInvariant()) < 0)
                throw new DataFormatException(source, $"{where} is {Describe(node)}; expected {what}", line, key);
            return s.ToLowerInvariant();
        }
        if (v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out double d))
            throw new DataFormatException(source, $"{where} is {Describe(node)}; expected {what}", line, key);
        if (spec.Type == ValueType.Int && (d != Math.Floor(d) || Math.Abs(d) > int.MaxValue))
            throw new DataFormatException(source, $"{where} is {d.ToString(CultureInfo.InvariantCulture)}; expected {what}", line, key);
        if (d < spec.Min || d > spec.Max)
            throw new DataFormatException(source, $"{where} is {d.ToString(CultureInfo.InvariantCulture)}; expected {what} in [{spec.Min.ToString(CultureInfo.InvariantCulture)}, {spec.Max.ToString(CultureInfo.InvariantCulture)}]", line, key);
        return spec.Type == ValueType.Int ? (object)(int)d : d;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "a list",
        JsonObject => "an object",
        _ => node.ToJsonString(),
    };

    private static List<(string Key, JsonNode? Node, long? Line)> ParseJson(string text, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, $"not valid JSON ({e.Message})", e.LineNumber + 1, null, e);
        }
        if (root is not JsonObject o) throw new DataFormatException(source, "the grid must be a JSON object of parameter lists");
        return [.. o.Select(p => (p.Key, p.Value, (long?)null))];
    }

    // The YAML subset: "key: [a, b, c]" or "key: a" per line; '#' starts a comment; values are numbers or names.
    private static List<(string Key, JsonNode? Node, long? Line)> ParseYaml(string text, string source)
    {
        var list = new List<(string, JsonNode?, long?)>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0 || line == "---") continue;
            int colon = line.IndexOf(':');
            if (colon <= 0) throw new DataFormatException(source, $"expected 'parameter: [values]', found '{line}'", i + 1);
            string key = line[..colon].Trim().Trim('"', '\'');
            string rest = line[(colon + 1)..].Trim();
            var array = new JsonArray();
            if (rest.StartsWith('['))
            {
                if (!rest.EndsWith(']')) throw new DataFormatException(source, $"'{key}': the list does not end with ']'", i + 1, key);
                rest = rest[1..^1];
                foreach (var part in rest.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) array.Add(YamlScalar(part));
            }
            else if (rest.Length > 0)
            {
                array.Add(YamlScalar(rest));
            }
            list.Add((key, array, i + 1));
        }
        return list;
    }

    private static JsonNode? YamlScalar(string text)
    {
        text = text.Trim().Trim('"', '\'');
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? JsonValue.Create(d) : JsonValue.Create(text);
    }

    /// <summary>The configuration at <paramref name="index"/> of the full grid (mixed-radix, the last parameter fastest).</summary>
    public TuningConfiguration At(long index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The grid has {Count} configurations.");
        var values = new KeyValuePair<string, object>[_parameters.Length];
        for (int p = _parameters.Length - 1; p >= 0; p--)
        {
            int n = _parameters[p].Values.Length;
            values[p] = new(_parameters[p].Name, _parameters[p].Values[index % n]);
            index /= n;
        }
        return new TuningConfiguration(values, LabelOf(values));
    }

    private string? LabelOf(KeyValuePair<string, object>[] values) =>
        Name == "depth" && values.Length > 0 && values[0].Value is int k ? $"CAE{k}" : null;

    /// <summary>Every configuration of the grid, in order.</summary>
    public IReadOnlyList<TuningConfiguration> Grid()
    {
        long n = Count;
        if (n > 100_000) throw new ArgumentException($"The grid has {n:N0} configurations; use a random search (--search random --trials N).", "--search");
        var list = new List<TuningConfiguration>((int)n);
        for (long i = 0; i < n; i++) list.Add(At(i));
        return list;
    }

    /// <summary><paramref name="trials"/> distinct configurations drawn uniformly from the grid (all of it when it is smaller), in draw order.</summary>
    public IReadOnlyList<TuningConfiguration> Sample(int trials, long seed)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "--trials must be at least 1.");
        long n = Count;
        if (trials >= n) return Grid();
        var rng = new Rng(seed);
        var chosen = new HashSet<long>();
        var list = new List<TuningConfiguration>(trials);
        while (list.Count < trials)
        {
            long i = Math.Min(n - 1, (long)(rng.NextDouble() * n));
            if (chosen.Add(i)) list.Add(At(i));
        }
        return list;
    }
}
