using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Xainomaly.Numerics;
using Xainomaly.Tests.Cli;

namespace Xainomaly.Tests.Report;

/// <summary>
/// One results directory for the report tests, made by the real commands on valid.csv (inspect with a small
/// embedding, train iforest and a short SS-DeepCAE run) plus explain, xai-bench and robustness results written in
/// the shapes those commands document (their commands live on other branches), then <c>report --json</c>.
/// </summary>
public sealed class ReportFixture : IDisposable
{
    public ReportFixture()
    {
        Dir = TestPaths.TempDir();
        var data = TestPaths.Data("valid.csv");
        Inspect = Ok(CliRunner.Run("inspect", data, "--out", Dir, "--embedding", "300", "--json"));
        foreach (var (kind, extra) in new[] { ("iforest", Array.Empty<string>()), ("ss-deepcae", new[] { "--steps", "300" }) })
            Trains[kind] = Ok(CliRunner.Run(["train", "--data", data, "--model", kind, "--labels", "100", "--seed", "1", "--out", Path.Combine(Dir, kind + ".xai"), "--results", Dir, "--json", .. extra]));
        WriteOtherResults(Dir);
        Html = Path.Combine(Dir, "report.html");
        Report = Ok(CliRunner.Run("report", "--from", Dir, "--out", Html, "--title", "Report <test> & co", "--json"));
    }

    public string Dir { get; }

    public string Html { get; }

    public JsonElement Inspect { get; }

    public Dictionary<string, JsonElement> Trains { get; } = [];

    public JsonElement Report { get; }

    private static JsonElement Ok(CliRunner.Outcome o)
    {
        Assert.True(o.ExitCode == 0, $"exit {o.ExitCode}: {o.Stderr}");
        return o.Json();
    }

    /// <summary>Explanation and robustness results in the documented shapes, with seeded values.</summary>
    private static void WriteOtherResults(string dir)
    {
        var rng = new Rng(11);
        string[] features = ["rsrp", "rsrq", "rssinr", "prb_usage", "throughput", "targetTput", "x", "y"];
        var rows = new JsonArray();
        for (int r = 0; r < 12; r++)
        {
            var values = new JsonArray();
            double sum = 0;
            for (int k = 0; k < features.Length; k++)
            {
                double v = Math.Round(rng.NextGaussian() * (k + 1) / 10, 5);
                sum += v;
                values.Add(v);
            }
            rows.Add(new JsonObject { ["row"] = 100 + r, ["baseValue"] = 0.2, ["output"] = 0.2 + sum, ["values"] = values, ["cs"] = Math.Round(rng.NextDouble() / 10, 4), ["em"] = Math.Round(rng.NextDouble() / 10, 4), ["efficiencyGap"] = 0.0 });
        }
        Write(dir, "explain.json", new JsonObject
        {
            ["command"] = "explain",
            ["method"] = "fastshap-c",
            ["features"] = new JsonArray([.. features.Select(f => (JsonNode)f!)]),
            ["rows"] = rows,
            ["aggregate"] = new JsonObject { ["rows"] = 12, ["cs"] = new JsonObject { ["mean"] = 0.05, ["median"] = 0.04, ["p90"] = 0.09 }, ["em"] = new JsonObject { ["mean"] = 0.04 } },
            ["seconds"] = 0.12,
        });
        var kappa = new JsonArray([.. Enumerable.Range(0, 9).Select(i => (JsonNode)(i / 8.0))]);
        Write(dir, "xai-bench.json", new JsonObject
        {
            ["command"] = "xai-bench",
            ["rows"] = 12,
            ["methods"] = new JsonArray(
                new JsonObject
                {
                    ["method"] = "kernel",
                    ["rows"] = 12,
                    ["wallMsPerRow"] = 55.0,
                    ["vsExact"] = new JsonObject { ["cosine"] = 0.99, ["top1"] = 0.95 },
                    ["exclusionAuc"] = 0.41,
                    ["inclusionAuc"] = 0.77,
                    ["curves"] = new JsonObject { ["kappa"] = kappa.DeepClone(), ["exclusionAccuracy"] = Curve(0.9, -0.5), ["inclusionAccuracy"] = Curve(0.4, 0.5) },
                },
                new JsonObject
                {
                    ["method"] = "fastshap-c",
                    ["rows"] = 12,
                    ["wallMsPerRow"] = 0.01,
                    ["vsExact"] = new JsonObject { ["cosine"] = 0.93, ["top1"] = 0.88 },
                    ["exclusionAuc"] = 0.38,
                    ["inclusionAuc"] = 0.81,
                    ["curves"] = new JsonObject { ["kappa"] = kappa.DeepClone(), ["exclusionAccuracy"] = Curve(0.9, -0.55), ["inclusionAccuracy"] = Curve(0.4, 0.52) },
                }),
        });
        var affected = new JsonArray();
        for (int k = 0; k < 5; k++)
            affected.Add(new JsonObject { ["index"] = k, ["name"] = features[k], ["unit"] = k < 3 ? "dB" : "%", ["rowsChanged"] = 90 - 10 * k, ["meanAbsDelta"] = 0.1, ["meanAbsDeltaPhysical"] = 3.5 - k / 2.0, ["rank"] = k + 1, ["meanAbsShap"] = 0.2 / (k + 1), ["shapRank"] = k == 0 ? 2 : k == 1 ? 1 : k + 1 });
        WriteAttack(dir, affected);
        Write(dir, "robustness.json", new JsonObject
        {
            ["command"] = "robustness",
            ["cells"] = new JsonArray(
                new JsonObject
                {
                    ["kind"] = "ss-deepcae",
                    ["score"] = "head",
                    ["attack"] = new JsonObject { ["method"] = "fgsm", ["epsilon"] = 0.1 },
                    ["cleanAccuracy"] = 0.8734,
                    ["cleanUar"] = 0.84,
                    ["attackAccuracy"] = 0.4121,
                    ["attackUar"] = 0.45,
                    ["successRate"] = 0.61,
                    ["meanFeaturesChanged"] = 9.0,
                    ["millisecondsPerExample"] = 0.02,
                    ["affected"] = new JsonObject { ["features"] = affected, ["attackedRows"] = 90, ["shapMethod"] = "permutation", ["spearmanWithShap"] = 0.9 },
                    ["hardenedCleanAccuracy"] = 0.86,
                    ["hardenedAttackAccuracy"] = 0.7952,
                },
                new JsonObject
                {
                    ["kind"] = "mlp",
                    ["score"] = "p",
                    ["attack"] = new JsonObject { ["method"] = "jsma", ["epsilon"] = 0.2 },
                    ["cleanAccuracy"] = 0.91,
                    ["cleanUar"] = 0.88,
                    ["attackAccuracy"] = 0.52,
                    ["attackUar"] = 0.5,
                    ["successRate"] = 0.45,
                    ["meanFeaturesChanged"] = 3.2,
                    ["millisecondsPerExample"] = 0.3,
                    ["affected"] = new JsonObject { ["features"] = affected.DeepClone(), ["attackedRows"] = 70, ["shapMethod"] = "permutation", ["spearmanWithShap"] = 0.7 },
                    ["hardenedCleanAccuracy"] = 0.9,
                    ["hardenedAttackAccuracy"] = 0.83,
                }),
        });
    }

    private static void WriteAttack(string dir, JsonArray affected) => Write(dir, "attack.json", new JsonObject
    {
        ["command"] = "attack",
        ["kind"] = "ss-deepcae",
        ["attack"] = new JsonObject { ["method"] = "fgsm", ["epsilon"] = 0.1, ["targeted"] = false },
        ["goal"] = "evade",
        ["rows"] = 500,
        ["before"] = new JsonObject { ["accuracy"] = 0.9123, ["uar"] = 0.9, ["precision"] = 0.8, ["recall"] = 0.85, ["f1"] = 0.82 },
        ["after"] = new JsonObject { ["accuracy"] = 0.6018, ["uar"] = 0.55, ["precision"] = 0.5, ["recall"] = 0.2, ["f1"] = 0.3 },
        ["successRate"] = 0.7,
        ["affectedFeatures"] = new JsonArray([.. affected.Select(a => (JsonNode)new JsonObject { ["rank"] = a!["rank"]!.DeepClone(), ["feature"] = a["name"]!.DeepClone(), ["rowsChanged"] = a["rowsChanged"]!.DeepClone(), ["meanAbsDeltaPhysical"] = a["meanAbsDeltaPhysical"]!.DeepClone(), ["unit"] = "dB", ["meanAbsShap"] = null, ["shapRank"] = null })]),
    });

    private static JsonArray Curve(double start, double slope) =>
        new([.. Enumerable.Range(0, 9).Select(i => (JsonNode)Math.Clamp(start + slope * i / 8.0, 0, 1))]);

    private static void Write(string dir, string name, JsonObject o) =>
        File.WriteAllText(Path.Combine(dir, name), o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Formats like the report's metric cells.</summary>
    public static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
