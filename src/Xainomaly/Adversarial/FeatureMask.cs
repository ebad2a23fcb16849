using Xainomaly.Data;

namespace Xainomaly.Adversarial;

/// <summary>
/// Which model inputs an attacker may touch. By default the radio measurements a UE reports about itself and its
/// neighbours (RSRP, RSRQ, RS-SINR, CQI-like columns): never identifiers, time, one-hot location or category columns,
/// or the operator's own counters (PRB usage, throughput) unless the user names them.
/// </summary>
public sealed class FeatureMask
{
    private static readonly string[] RadioPrefixes = ["rsrp", "rsrq", "rssinr", "sinr", "snr", "cqi", "rssi"];

    private readonly bool[] _allowed;

    /// <summary>A mask over <paramref name="allowed"/>.Length inputs; true = the attacker may change that input.</summary>
    public FeatureMask(IReadOnlyList<bool> allowed, IReadOnlyList<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _allowed = [.. allowed];
        var idx = new List<int>();
        for (int i = 0; i < _allowed.Length; i++) if (_allowed[i]) idx.Add(i);
        Indices = [.. idx];
        Columns = columns ?? [];
    }

    /// <summary>Number of model inputs the mask covers.</summary>
    public int Width => _allowed.Length;

    /// <summary>Indices of the inputs the attacker may change, ascending.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of attackable inputs.</summary>
    public int Count => Indices.Count;

    /// <summary>The source columns the mask was built from (empty for a mask given as flags).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>True when input <paramref name="feature"/> may change.</summary>
    public bool this[int feature] => _allowed[feature];

    /// <summary>Every input attackable (for tests and for users who ask for it).</summary>
    public static FeatureMask All(int width) => new(Enumerable.Repeat(true, width).ToArray());

    /// <summary>True for a column name that holds a UE-reported radio measurement (RSRP, RSRQ, RS-SINR, CQI, …).</summary>
    public static bool IsRadioMeasurement(string column)
    {
        foreach (var p in RadioPrefixes)
            if (column.StartsWith(p, StringComparison.OrdinalIgnoreCase) || column.Contains("_" + p, StringComparison.OrdinalIgnoreCase) || column.Contains("." + p, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>The default mask: numeric inputs whose source column is a radio measurement.</summary>
    /// <exception cref="ArgumentException">The model has no radio-measurement input (then name columns with <c>--features</c>).</exception>
    public static FeatureMask Default(Preprocessor preprocessor)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        var cols = new List<string>();
        foreach (var c in preprocessor.InputColumns)
            if (IsRadioMeasurement(c) && !IsOneHotColumn(preprocessor, c)) cols.Add(c);
        if (cols.Count == 0)
            throw new ArgumentException($"The model has no radio-measurement input (RSRP, RSRQ, RS-SINR, CQI) to attack by default; name the columns the attacker controls with --features (inputs: {string.Join(", ", preprocessor.InputColumns)}).", "--features");
        return FromColumns(preprocessor, cols);
    }

    /// <summary>
    /// A mask over the given source columns: a numeric column is one input, a nominal column its whole one-hot group.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not an input column of the model (the message lists the valid ones), or none is given.</exception>
    public static FeatureMask FromColumns(Preprocessor preprocessor, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("--features names no column.", "--features");
        var inputs = new HashSet<string>(preprocessor.InputColumns, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            var name = UeSchema.Canonicalize(c.Trim());
            if (!inputs.Contains(name))
                throw new ArgumentException($"--features: '{c}' is not an input column of the model; expected some of {string.Join(", ", preprocessor.InputColumns)}.", "--features");
            wanted.Add(name);
        }
        var allowed = new bool[preprocessor.InputWidth];
        // A constant column (zero range) has no physical scale: a change could not be written back, so it stays fixed.
        for (int i = 0; i < allowed.Length; i++)
        {
            var f = preprocessor.Features[i];
            allowed[i] = wanted.Contains(f.Column) && (f.IsOneHot || f.Range > 0);
        }
        var ordered = new List<string>();
        foreach (var c in preprocessor.InputColumns) if (wanted.Contains(c)) ordered.Add(c);
        return new FeatureMask(allowed, ordered);
    }

    /// <summary>The same mask repeated for each of <paramref name="windowLength"/> records of a windowed detector's input.</summary>
    public FeatureMask Tile(int windowLength)
    {
        if (windowLength <= 1) return this;
        var flags = new bool[_allowed.Length * windowLength];
        for (int w = 0; w < windowLength; w++) _allowed.CopyTo(flags, w * _allowed.Length);
        return new FeatureMask(flags, Columns);
    }

    private static bool IsOneHotColumn(Preprocessor preprocessor, string column)
    {
        foreach (var f in preprocessor.Features) if (f.Column == column) return f.IsOneHot;
        return false;
    }
}
