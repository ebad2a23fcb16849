namespace Xainomaly.Data;

/// <summary>
/// The user's <see cref="KpiReadOptions"/> resolved against the columns a source actually has: which are dropped,
/// which is the label, and which roles are forced. Shared by every reader so that they agree on names and errors.
/// </summary>
internal sealed class ReadRolePlan
{
    private static readonly string[] AutoLabels = ["label", "Label", "anomaly", "Anomaly", "is_anomaly"];

    private ReadRolePlan(HashSet<string> excluded, Dictionary<string, ColumnRole> forced, string? label)
    {
        Excluded = excluded;
        Forced = forced;
        LabelName = label;
    }

    /// <summary>Canonical names of the dropped columns.</summary>
    public HashSet<string> Excluded { get; }

    /// <summary>Roles the options force, by canonical name.</summary>
    public Dictionary<string, ColumnRole> Forced { get; }

    /// <summary>Canonical name of the label column, or null when the table has none.</summary>
    public string? LabelName { get; }

    /// <summary>Resolves <paramref name="options"/> against <paramref name="available"/> (canonical names).</summary>
    public static ReadRolePlan Build(ICollection<string> available, KpiReadOptions options, string source, long? line, bool ueSchema)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in options.Exclude)
        {
            var name = Resolve(raw, available, source, line, "excluded column");
            excluded.Add(name);
        }

        string? label = null;
        if (options.Label is not null)
        {
            label = Resolve(options.Label, available, source, line, "label column");
            if (excluded.Contains(label))
                throw new DataFormatException(source, "the label column is also excluded", line, label);
        }
        else
        {
            if (ueSchema)
            {
                if (available.Contains(UeSchema.Label) && !excluded.Contains(UeSchema.Label)) label = UeSchema.Label;
            }
            else
            {
                foreach (var c in AutoLabels)
                {
                    if (available.Contains(c) && !excluded.Contains(c))
                    {
                        label = c;
                        break;
                    }
                }
            }
        }
        if (label is null && options.RequireLabel)
        {
            var expected = ueSchema ? UeSchema.Label + " or Viavi.UE.anomalies" : string.Join(", ", AutoLabels);
            throw new DataFormatException(source, $"no label column; expected one of {expected}, or name it in the options", line);
        }

        var forced = new Dictionary<string, ColumnRole>(StringComparer.Ordinal);
        foreach (var raw in options.Identifiers) Force(raw, ColumnRole.Identifier);
        if (options.Time is not null) Force(options.Time, ColumnRole.Timestamp);
        foreach (var raw in options.Nominal) Force(raw, ColumnRole.Nominal);
        return new ReadRolePlan(excluded, forced, label);

        void Force(string raw, ColumnRole role)
        {
            var what = role switch
            {
                ColumnRole.Identifier => "identifier column",
                ColumnRole.Timestamp => "time column",
                _ => "nominal column",
            };
            var name = Resolve(raw, available, source, line, what);
            if (excluded.Contains(name) || name == label || (forced.TryGetValue(name, out var had) && had != role))
                throw new DataFormatException(source, $"the options give this column two roles ({what} and another)", line, name);
            forced[name] = role;
        }
    }

    /// <summary>The role of a kept column; <paramref name="natural"/> is what the source would give it unforced.</summary>
    public ColumnRole RoleOf(string name, ColumnRole natural)
    {
        if (name == LabelName) return ColumnRole.Label;
        if (Forced.TryGetValue(name, out var r)) return r;
        // A label-named column that the options did not choose as label must not leak into the inputs.
        return natural == ColumnRole.Label ? ColumnRole.Ignored : natural;
    }

    /// <summary>
    /// Applies the plan to columns a reader has already typed (the JSON readers): drops, relabels and converts
    /// numbers to text where a forced role needs text.
    /// </summary>
    public List<KpiColumn> Apply(IReadOnlyList<KpiColumn> columns, string source)
    {
        var result = new List<KpiColumn>(columns.Count);
        foreach (var c in columns)
        {
            if (Excluded.Contains(c.Name)) continue;
            var role = RoleOf(c.Name, c.Role);
            if (role == c.Role)
            {
                result.Add(c);
                continue;
            }
            if (role == ColumnRole.Label)
            {
                if (!c.IsNumeric) throw new DataFormatException(source, "label values must be 0 or 1, found text", null, c.Name);
                foreach (var v in c.Numbers!)
                {
                    if (v is not 0.0 and not 1.0)
                        throw new DataFormatException(source, $"label values must be 0 or 1, found {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}", null, c.Name);
                }
                result.Add(c.WithRole(role));
            }
            else if (role == ColumnRole.Numeric || !c.IsNumeric)
            {
                result.Add(c.WithRole(role));
            }
            else
            {
                var texts = new string[c.Length];
                for (int i = 0; i < texts.Length; i++) texts[i] = c.FormatValue(i);
                result.Add(new KpiColumn(c.Name, role, texts));
            }
        }
        return result;
    }

    private static string Resolve(string raw, ICollection<string> available, string source, long? line, string what)
    {
        var name = UeSchema.Canonicalize(raw.Trim());
        if (!available.Contains(name))
            throw new DataFormatException(source, $"{what} '{raw}' does not exist", line, raw);
        return name;
    }
}
