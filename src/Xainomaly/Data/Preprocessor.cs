using System.Globalization;
using System.Text;

namespace Xainomaly.Data;

/// <summary>
/// The fitted transform from a <see cref="KpiTable"/> to the model's float matrix: numeric columns min–max scaled
/// to [0, 1] and nominal columns one-hot encoded, both fitted on training rows only and stored with the model so
/// that inference applies exactly the training transform.
/// </summary>
/// <remarks>
/// Identifier, timestamp, ignored and label columns are never inputs unless <see cref="PreprocessorOptions"/> asks
/// for identifiers (one-hot) or the timestamp (seconds since the Unix epoch, scaled). Constant columns scale to 0.
/// Inputs keep the table's column order; one-hot categories are sorted ordinally.
/// </remarks>
public sealed class Preprocessor
{
    private const uint Magic = 0x50525058; // "XPRP" little-endian
    private const int FormatVersion = 1;
    private const int MaxCount = 10_000_000;

    private readonly Input[] _inputs;
    private readonly PreprocessorFeature[] _features;

    private Preprocessor(Input[] inputs, PreprocessorOptions options)
    {
        _inputs = inputs;
        Options = options;
        var features = new List<PreprocessorFeature>();
        int offset = 0;
        foreach (var input in inputs)
        {
            input.Offset = offset;
            if (input.Kind == InputKind.OneHot)
            {
                foreach (var c in input.Categories!) features.Add(new PreprocessorFeature($"{input.Column}={c}", input.Column, c, 0, 1, ""));
                offset += input.Categories!.Length;
            }
            else
            {
                var unit = input.Kind == InputKind.Seconds ? "s" : UeSchema.UnitOf(input.Column);
                features.Add(new PreprocessorFeature(input.Column, input.Column, null, input.Min, input.Max, unit));
                offset++;
            }
        }
        _features = [.. features];
        var names = new string[_features.Length];
        for (int i = 0; i < names.Length; i++) names[i] = _features[i].Name;
        FeatureNames = names;
    }

    private enum InputKind : byte
    {
        Numeric = 0,
        Seconds = 1,
        OneHot = 2,
    }

    /// <summary>The options the transform was fitted with.</summary>
    public PreprocessorOptions Options { get; }

    /// <summary>Number of output columns (d).</summary>
    public int InputWidth => _features.Length;

    /// <summary>One name per output column, e.g. <c>rsrp</c> or <c>nrCellIdentity=c1/B13</c>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>One description per output column (source column, category, training min/max, unit).</summary>
    public IReadOnlyList<PreprocessorFeature> Features => _features;

    /// <summary>The source columns the transform reads, in order.</summary>
    public IReadOnlyList<string> InputColumns
    {
        get
        {
            var cols = new string[_inputs.Length];
            for (int i = 0; i < cols.Length; i++) cols[i] = _inputs[i].Column;
            return cols;
        }
    }

    /// <summary>Fits on every row of <paramref name="train"/> (pass only the training rows).</summary>
    /// <exception cref="DataFormatException">The table has no rows, no input column, or a non-finite value.</exception>
    public static Preprocessor Fit(KpiTable train, PreprocessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= PreprocessorOptions.Default;
        var source = train.Source ?? "training data";
        if (train.RowCount == 0) throw new DataFormatException(source, "cannot fit the preprocessor on zero rows");
        var inputs = new List<Input>();
        foreach (var c in train.Columns)
        {
            switch (c.Role)
            {
                case ColumnRole.Numeric when c.IsNumeric:
                    inputs.Add(FitNumeric(c, c.Numbers!, InputKind.Numeric, source));
                    break;
                case ColumnRole.Numeric:
                    throw new DataFormatException(source, "a numeric column holds text", null, c.Name);
                case ColumnRole.Nominal:
                case ColumnRole.Identifier when options.IncludeIdentifiers:
                    inputs.Add(FitOneHot(c));
                    break;
                case ColumnRole.Timestamp when options.IncludeTimestamp:
                    inputs.Add(FitNumeric(c, Seconds(c, source), InputKind.Seconds, source));
                    break;
            }
        }
        if (inputs.Count == 0) throw new DataFormatException(source, "no input columns (no numeric or nominal column)");
        return new Preprocessor([.. inputs], options);
    }

    /// <summary>Fits on the given rows of <paramref name="table"/> only (e.g. the training indices of a split).</summary>
    public static Preprocessor Fit(KpiTable table, ReadOnlySpan<int> trainRows, PreprocessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Fit(table.SelectRows(trainRows), options);
    }

    /// <summary>The index of the output column called <paramref name="featureName"/>.</summary>
    public int FeatureIndex(string featureName)
    {
        for (int i = 0; i < _features.Length; i++) if (_features[i].Name == featureName) return i;
        throw new KeyNotFoundException($"No feature '{featureName}' in the preprocessor.");
    }

    /// <summary>Converts a change of the scaled value of numeric feature <paramref name="feature"/> into physical units
    /// (e.g. an attack's ε in [0, 1] units into dB).</summary>
    public double ToPhysicalDelta(int feature, double scaledDelta) => Numeric(feature).Range * scaledDelta;

    /// <summary>Converts a change in physical units (e.g. 3 dB) into scaled units; 0 for a constant column.</summary>
    public double ToScaledDelta(int feature, double physicalDelta)
    {
        var f = Numeric(feature);
        return f.Range > 0 ? physicalDelta / f.Range : 0;
    }

    /// <summary>The physical value of a scaled value of numeric feature <paramref name="feature"/>.</summary>
    public double ToPhysical(int feature, double scaled)
    {
        var f = Numeric(feature);
        return f.Min + (scaled * f.Range);
    }

    /// <summary>The scaled value of a physical value of numeric feature <paramref name="feature"/> (not clipped).</summary>
    public double ToScaled(int feature, double physical)
    {
        var f = Numeric(feature);
        return f.Range > 0 ? (physical - f.Min) / f.Range : 0;
    }

    /// <summary>Transforms every row into a new row-major N×<see cref="InputWidth"/> matrix.</summary>
    public float[] Transform(KpiTable table) => Transform(table, out _);

    /// <summary>Transforms every row into a new matrix and reports unseen categories and out-of-range values.</summary>
    public float[] Transform(KpiTable table, out TransformReport report)
    {
        ArgumentNullException.ThrowIfNull(table);
        var x = new float[checked(table.RowCount * InputWidth)];
        report = Transform(table, x);
        return x;
    }

    /// <summary>Writes the row-major N×<see cref="InputWidth"/> matrix into <paramref name="destination"/>.</summary>
    /// <exception cref="DataFormatException">An input column is missing or of the wrong type, or a value is not finite.</exception>
    public TransformReport Transform(KpiTable table, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(table);
        int n = table.RowCount, d = InputWidth;
        if (destination.Length != n * d)
            throw new ArgumentException($"Destination holds {destination.Length} values; {n} rows × {d} features need {n * d}.", nameof(destination));
        var source = table.Source ?? "the table";
        var unseen = new Dictionary<string, int>(StringComparer.Ordinal);
        var outOfRange = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in _inputs)
        {
            if (!table.TryGetColumn(input.Column, out var col))
                throw new DataFormatException(source, "missing input column (the model was trained with it)", null, input.Column);
            if (input.Kind == InputKind.OneHot)
            {
                unseen[input.Column] = EncodeOneHot(input, col, destination, d);
                continue;
            }
            double[] values;
            if (input.Kind == InputKind.Seconds) values = col.IsNumeric ? col.Numbers! : Seconds(col, source);
            else values = col.Numbers ?? throw new DataFormatException(source, "expected a numeric column, found text", null, input.Column);
            outOfRange[input.Column] = ScaleNumeric(input, values, destination, d, source);
        }
        return new TransformReport(n, unseen, outOfRange);
    }

    /// <summary>
    /// The transform for rows held as value arrays: each row is <paramref name="numericColumns"/>.Count numbers and
    /// <paramref name="textColumns"/>.Count texts in the given column order (e.g. <see cref="UeSchema.NumericColumns"/>
    /// and <see cref="UeSchema.TextColumns"/>). Every input column must be in the layout.
    /// </summary>
    /// <exception cref="DataFormatException">An input column is missing from the layout, or a numeric input is laid out as text.</exception>
    public RowTransform ForRows(IReadOnlyList<string> numericColumns, IReadOnlyList<string>? textColumns = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(numericColumns);
        textColumns ??= [];
        source ??= "the row layout";
        var steps = new RowTransform.Step[_inputs.Length];
        var columns = new string[_inputs.Length];
        for (int i = 0; i < _inputs.Length; i++)
        {
            var input = _inputs[i];
            int at = IndexOf(numericColumns, input.Column);
            bool text = false;
            if (at < 0)
            {
                at = IndexOf(textColumns, input.Column);
                if (at < 0) throw new DataFormatException(source, "missing input column (the model was trained with it)", null, input.Column);
                if (input.Kind == InputKind.Numeric) throw new DataFormatException(source, "expected a numeric column, found text", null, input.Column);
                text = true;
            }
            double range = input.Max - input.Min;
            steps[i] = input.Kind == InputKind.OneHot
                ? new RowTransform.Step(at, text, input.Offset, 0, 1, 0, input.Index, input.Categories!.Length)
                : new RowTransform.Step(at, text, input.Offset, input.Min, input.Max, range > 0 ? 1.0 / range : 0, null, 0);
            columns[i] = input.Column;
        }
        return new RowTransform(steps, columns, numericColumns.Count, textColumns.Count, InputWidth, Options.ClipToRange);

        static int IndexOf(IReadOnlyList<string> list, string name)
        {
            for (int i = 0; i < list.Count; i++) if (list[i] == name) return i;
            return -1;
        }
    }

    /// <summary>Writes the fitted transform (versioned; embedded in model files).</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        byte flags = (byte)((Options.IncludeIdentifiers ? 1 : 0) | (Options.IncludeTimestamp ? 2 : 0) | (Options.ClipToRange ? 4 : 0));
        writer.Write(flags);
        writer.Write(_inputs.Length);
        foreach (var input in _inputs)
        {
            writer.Write((byte)input.Kind);
            writer.Write(input.Column);
            if (input.Kind == InputKind.OneHot)
            {
                writer.Write(input.Categories!.Length);
                foreach (var c in input.Categories) writer.Write(c);
            }
            else
            {
                writer.Write(input.Min);
                writer.Write(input.Max);
            }
        }
        writer.Write(Magic);
    }

    /// <summary>Reads a transform written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The data is truncated, corrupted or of an unknown version.</exception>
    public static Preprocessor Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            if (reader.ReadUInt32() != Magic) throw Corrupt("it does not start with the preprocessor marker");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw Corrupt($"format version {version} is not supported (this build reads version {FormatVersion})");
            byte flags = reader.ReadByte();
            if (flags > 7) throw Corrupt($"unknown option flags {flags}");
            var options = new PreprocessorOptions
            {
                IncludeIdentifiers = (flags & 1) != 0,
                IncludeTimestamp = (flags & 2) != 0,
                ClipToRange = (flags & 4) != 0,
            };
            int count = reader.ReadInt32();
            if (count is <= 0 or > MaxCount) throw Corrupt($"implausible input count {count}");
            var inputs = new Input[count];
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                byte kind = reader.ReadByte();
                if (kind > (byte)InputKind.OneHot) throw Corrupt($"unknown input kind {kind} at input {i}");
                var column = reader.ReadString();
                if (column.Length == 0 || !names.Add(column)) throw Corrupt($"empty or repeated column name at input {i}");
                if ((InputKind)kind == InputKind.OneHot)
                {
                    int k = reader.ReadInt32();
                    if (k is < 0 or > MaxCount) throw Corrupt($"implausible category count {k} for '{column}'");
                    var cats = new string[k];
                    for (int j = 0; j < k; j++)
                    {
                        cats[j] = reader.ReadString();
                        if (j > 0 && string.CompareOrdinal(cats[j - 1], cats[j]) >= 0) throw Corrupt($"categories of '{column}' are not sorted and distinct");
                    }
                    inputs[i] = Input.OneHot(column, cats);
                }
                else
                {
                    double min = reader.ReadDouble(), max = reader.ReadDouble();
                    if (!double.IsFinite(min) || !double.IsFinite(max) || min > max) throw Corrupt($"invalid range [{min}, {max}] for '{column}'");
                    inputs[i] = new Input(column, (InputKind)kind, min, max, null);
                }
            }
            if (reader.ReadUInt32() != Magic) throw Corrupt("the closing marker is missing");
            return new Preprocessor(inputs, options);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("Preprocessor data is truncated.", ex);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException or IOException and not EndOfStreamException)
        {
            throw new InvalidDataException($"Preprocessor data is corrupted ({ex.Message}).", ex);
        }
    }

    private static InvalidDataException Corrupt(string why) => new($"Preprocessor data is corrupted or incompatible: {why}.");

    private PreprocessorFeature Numeric(int feature)
    {
        if ((uint)feature >= (uint)_features.Length)
            throw new ArgumentOutOfRangeException(nameof(feature), feature, $"The preprocessor has {_features.Length} features.");
        var f = _features[feature];
        if (f.IsOneHot) throw new ArgumentException($"Feature '{f.Name}' is one-hot; it has no physical scale.", nameof(feature));
        return f;
    }

    private static Input FitNumeric(KpiColumn c, double[] values, InputKind kind, string source)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v)) throw new DataFormatException(source, $"row {i + 1} holds {v}; the preprocessor needs finite numbers", null, c.Name);
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return new Input(c.Name, kind, min, max, null);
    }

    private static Input FitOneHot(KpiColumn c)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < c.Length; i++) set.Add(c.Texts?[i] ?? c.FormatValue(i));
        var cats = new string[set.Count];
        set.CopyTo(cats);
        Array.Sort(cats, StringComparer.Ordinal);
        return Input.OneHot(c.Name, cats);
    }

    private static double[] Seconds(KpiColumn c, string source)
    {
        if (c.IsNumeric) return c.Numbers!;
        var texts = c.Texts!;
        var s = new double[texts.Length];
        // Timestamps repeat (one per report): parse each distinct text once.
        var cache = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < texts.Length; i++)
        {
            if (!cache.TryGetValue(texts[i], out double v))
            {
                if (!DateTime.TryParse(texts[i], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                    throw new DataFormatException(source, $"row {i + 1}: '{texts[i]}' is not a timestamp (expected ISO 8601, e.g. 2021-06-25T11:42:33.685)", null, c.Name);
                v = (t - DateTime.UnixEpoch).TotalSeconds;
                cache[texts[i]] = v;
            }
            s[i] = v;
        }
        return s;
    }

    private int ScaleNumeric(Input input, double[] values, Span<float> x, int d, string source)
    {
        double min = input.Min, max = input.Max, range = max - min;
        double inv = range > 0 ? 1.0 / range : 0;
        bool clip = Options.ClipToRange;
        int outside = 0, o = input.Offset;
        for (int r = 0; r < values.Length; r++)
        {
            double v = values[r];
            if (!double.IsFinite(v)) throw new DataFormatException(source, $"row {r + 1} holds {v}; the model needs finite numbers", null, input.Column);
            if (v < min || v > max)
            {
                outside++;
                if (clip) v = v < min ? min : max;
            }
            x[(r * d) + o] = (float)((v - min) * inv);
        }
        return outside;
    }

    private static int EncodeOneHot(Input input, KpiColumn col, Span<float> x, int d)
    {
        int unseen = 0, o = input.Offset, k = input.Categories!.Length;
        var index = input.Index!;
        for (int r = 0; r < col.Length; r++)
        {
            var row = x.Slice((r * d) + o, k);
            row.Clear();
            var value = col.Texts is { } t ? t[r] : col.FormatValue(r);
            if (index.TryGetValue(value, out int j)) row[j] = 1f;
            else unseen++;
        }
        return unseen;
    }

    private sealed class Input(string column, InputKind kind, double min, double max, string[]? categories)
    {
        public string Column { get; } = column;
        public InputKind Kind { get; } = kind;
        public double Min { get; } = min;
        public double Max { get; } = max;
        public string[]? Categories { get; } = categories;
        public Dictionary<string, int>? Index { get; } = categories is null ? null : BuildIndex(categories);
        public int Offset { get; set; }

        public static Input OneHot(string column, string[] categories) => new(column, InputKind.OneHot, 0, 1, categories);

        private static Dictionary<string, int> BuildIndex(string[] categories)
        {
            var d = new Dictionary<string, int>(categories.Length, StringComparer.Ordinal);
            for (int i = 0; i < categories.Length; i++) d[categories[i]] = i;
            return d;
        }
    }
}
