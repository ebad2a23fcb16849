using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

using Xainomaly.Adversarial;
using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;

namespace Xainomaly.Cli;

/// <summary>What the attack, harden and robustness commands share: goal and feature parsing, errors, JSON of results.</summary>
internal static class AttackCliOptions
{
    public static Option<string[]> FeaturesOption() => new("--features")
    {
        Description = "Source columns the attacker controls (comma-separated or repeated; a nominal column brings its one-hot group). Default: the UE-reported radio measurements (RSRP, RSRQ, RS-SINR of serving and neighbour cells, CQI-like columns).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static AttackGoal ParseGoal(string text) => text.ToLowerInvariant() switch
    {
        "evade" => AttackGoal.Evade,
        "alarm" => AttackGoal.Alarm,
        "both" => AttackGoal.Both,
        _ => throw new UsageException($"--goal {text}: expected evade (anomalies scored normal), alarm (normal rows scored anomalous) or both."),
    };

    public static string Name(AttackGoal goal) => goal.ToString().ToLowerInvariant();

    public static string[]? Columns(string[]? values)
    {
        if (values is null || values.Length == 0) return null;
        var list = new List<string>();
        foreach (var v in values)
            foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) list.Add(part);
        return list.Count == 0 ? null : [.. list];
    }

    /// <summary>The mask for a model; a wrong column name is a usage error listing the valid ones.</summary>
    public static FeatureMask Mask(Preprocessor preprocessor, string[]? columns)
    {
        try
        {
            return columns is null ? FeatureMask.Default(preprocessor) : FeatureMask.FromColumns(preprocessor, columns);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Checks attack settings, turning their errors into usage errors.</summary>
    public static void Validate(AttackSettings settings)
    {
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(StripParameter(e));
        }
    }

    /// <summary>Creates the attack; a detector without gradient is a usage error.</summary>
    public static IAdversarialAttack Create(AttackSettings settings, DetectorModel model, FeatureMask mask)
    {
        if (model.WindowLength > 1)
            throw new UsageException($"The {model.Info.Kind} model scores windows of {model.WindowLength} consecutive records; attacks change single records and are supported for per-record detectors only.");
        try
        {
            return settings.Create(model.Detector, mask);
        }
        catch (NotSupportedException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>ε in physical units for every attackable numeric input.</summary>
    public static JsonArray PhysicalEpsilon(Preprocessor preprocessor, FeatureMask mask, double epsilon)
    {
        var a = new JsonArray();
        foreach (int j in mask.Indices)
        {
            var f = preprocessor.Features[j];
            if (f.IsOneHot) continue;
            a.Add(new JsonObject { ["feature"] = f.Name, ["scaled"] = epsilon, ["physical"] = Math.Round(epsilon * f.Range, 6), ["unit"] = f.Unit });
        }
        return a;
    }

    /// <summary>A short "RSRP ±3.1 dBm, …" text of ε in physical units.</summary>
    public static string PhysicalEpsilonText(Preprocessor preprocessor, FeatureMask mask, double epsilon, int max = 4)
    {
        var parts = new List<string>();
        foreach (int j in mask.Indices)
        {
            var f = preprocessor.Features[j];
            if (f.IsOneHot) continue;
            if (parts.Count == max)
            {
                parts.Add("…");
                break;
            }
            parts.Add($"{f.Name} ±{(epsilon * f.Range).ToString("G3", CultureInfo.InvariantCulture)}{(f.Unit.Length > 0 ? " " + f.Unit : "")}");
        }
        return string.Join(", ", parts);
    }

    public static JsonObject Metrics(BinaryMetrics m) => new()
    {
        ["accuracy"] = m.Accuracy,
        ["uar"] = m.UnweightedAverageRecall,
        ["precision"] = m.Precision,
        ["recall"] = m.Recall,
        ["f1"] = m.F1,
    };

    public static JsonArray Affected(AffectedFeatureReport report, int top)
    {
        var a = new JsonArray();
        foreach (var f in report.Features.Take(top))
        {
            a.Add(new JsonObject
            {
                ["rank"] = f.Rank,
                ["feature"] = f.Name,
                ["rowsChanged"] = f.RowsChanged,
                ["meanAbsDelta"] = Math.Round(f.MeanAbsDelta, 6),
                ["meanAbsDeltaPhysical"] = Math.Round(f.MeanAbsDeltaPhysical, 6),
                ["unit"] = f.Unit,
                ["meanAbsShap"] = f.MeanAbsShap,
                ["shapRank"] = f.ShapRank,
            });
        }
        return a;
    }

    public static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static string StripParameter(ArgumentException e)
    {
        var m = e.Message;
        int at = m.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (at >= 0) m = m[..at];
        int actual = m.IndexOf("\nActual value", StringComparison.Ordinal);
        return actual >= 0 ? m[..actual].TrimEnd() : m;
    }
}
