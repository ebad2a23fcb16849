using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Evaluation.Tuning;

namespace Xainomaly.Tests.Tuning;

public sealed class HyperparameterSearchTests
{
    private static readonly ParameterSpace Tiny = ParameterSpace.Parse("{\"layers\":[1,2],\"loss\":[\"mse\",\"mae\"]}", "tiny");

    private static HyperparameterSearchOptions Options(string? cache = null) => new()
    {
        BaseSettings = new TrainerSettings { Steps = 40, BatchSize = 32, LabelledPerBatch = 8 },
        Folds = 3,
        Seed = 5,
        Parallelism = 2,
        CacheDirectory = cache,
        DataKey = "fixture",
    };

    private static TuningPool Pool(string csv, int[]? labelled = null, double testFraction = 0.2) =>
        TuningPool.Create(TuningFixture.Table(csv), new ExperimentOptions { TestFraction = testFraction, LabelBudget = 42, Seed = 5, LabelledRows = labelled });

    private static string Fingerprint(TuningResult r) =>
        string.Join("\n", r.Ranked.Select(t => $"{t.Configuration.Key}|{string.Join(',', t.Uar.Select(v => v.ToString("R")))}|{string.Join(',', t.RocAuc.Select(v => v.ToString("R")))}"));

    [Fact]
    public void FoldsAreStratifiedDisjointAndCoverTheBudgetOnly()
    {
        var pool = Pool(TuningFixture.Csv(280, 1));
        var data = pool.Data;
        var labelled = data.LabelledRows();
        Assert.Equal(42, labelled.Length);
        var folds = HyperparameterSearch.Folds(data, 3, 5);
        var seen = new HashSet<int>();
        int positives = labelled.Count(r => data.Labels[r] == 1);
        foreach (var f in folds)
        {
            foreach (var r in f.Validation)
            {
                Assert.True(seen.Add(r), $"row {r} is in two folds");
                Assert.True(data.Labels[r] >= 0, "a fold row without a budget label");
            }
            int fp = f.Validation.Count(r => data.Labels[r] == 1);
            Assert.InRange(fp, positives / 3, (positives / 3) + 1);
        }
        Assert.Equal(labelled.OrderBy(r => r), seen.OrderBy(r => r));
        // Labels outside the budget never reach the search: the pool carries −1 for them.
        Assert.Equal(data.Count - 42, data.Labels.Count(y => y == -1));
        Assert.Throws<ArgumentException>(() => HyperparameterSearch.Folds(data, 30, 5));
    }

    [Fact]
    public void HidingEveryOtherLabelChangesNothing()
    {
        // No test split here: the protocol's stratified test split is drawn from all labels by design (and never seen
        // by the search), so the check is on the pool alone.
        string csv = TuningFixture.Csv(280, 2);
        var first = Pool(csv, testFraction: 0);
        var budget = new HashSet<int>(first.LabelledRows);
        var rng = new Xainomaly.Numerics.Rng(99);
        string scrambled = TuningFixture.Csv(280, 2, (i, y) => budget.Contains(i) ? y : rng.NextInt(2));
        Assert.NotEqual(csv, scrambled);
        var a = Pool(csv, first.LabelledRows, testFraction: 0);
        var second = Pool(scrambled, first.LabelledRows, testFraction: 0);
        Assert.Equal(a.Data.Labels, second.Data.Labels);
        Assert.Equal(a.Data.X, second.Data.X);
        var configs = Tiny.Grid();
        var ra = HyperparameterSearch.Run(a.Data, configs, Options());
        var rb = HyperparameterSearch.Run(second.Data, configs, Options());
        Assert.Equal(Fingerprint(ra), Fingerprint(rb));
    }

    [Fact]
    public void SameSeedSameRankingAndNumbers()
    {
        var pool = Pool(TuningFixture.Csv(260, 3));
        var configs = Tiny.Grid();
        var r1 = HyperparameterSearch.Run(pool.Data, configs, Options());
        var r2 = HyperparameterSearch.Run(pool.Data, configs, Options() with { Parallelism = 1 });
        Assert.Equal(Fingerprint(r1), Fingerprint(r2));
        Assert.Equal(4, r1.Ranked.Count);
        for (int i = 1; i < r1.Ranked.Count; i++)
            Assert.True(r1.Ranked[i - 1].Mean(TuningObjective.Uar) >= r1.Ranked[i].Mean(TuningObjective.Uar));
        Assert.All(r1.Ranked, t => Assert.Equal(3, t.Uar.Length));
        var other = HyperparameterSearch.Run(pool.Data, configs, Options() with { Seed = 6 });
        Assert.NotEqual(Fingerprint(r1), Fingerprint(other));
    }

    [Fact]
    public void ResumeSkipsFinishedConfigurations()
    {
        var dir = TestPaths.TempDir();
        var pool = Pool(TuningFixture.Csv(240, 4));
        var configs = Tiny.Grid();
        var first = HyperparameterSearch.Run(pool.Data, configs, Options(dir));
        Assert.All(first.Ranked, t => Assert.False(t.Reused));
        Assert.Equal(4, Directory.GetFiles(dir, "*.json").Length);
        File.Delete(Path.Combine(dir, HyperparameterSearch.CacheKey(configs[1], Options(dir)) + ".json"));
        int progressDone = 0;
        var second = HyperparameterSearch.Run(pool.Data, configs, Options(dir), new Xainomaly.Cli.Output.SyncProgress<TuningProgress>(p => progressDone = p.Done));
        Assert.Equal(Fingerprint(first), Fingerprint(second));
        Assert.Equal(3, second.Ranked.Count(t => t.Reused));
        Assert.False(second.Ranked.Single(t => t.Configuration.Key == configs[1].Key).Reused);
        Assert.Equal(12, progressDone);
        // Another seed is another search: nothing is reused.
        var third = HyperparameterSearch.Run(pool.Data, configs, Options(dir) with { Seed = 8 });
        Assert.All(third.Ranked, t => Assert.False(t.Reused));
    }
}
