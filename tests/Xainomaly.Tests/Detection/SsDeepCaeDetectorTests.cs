using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Simulation;

namespace Xainomaly.Tests.Detection;

public sealed class SsDeepCaeDetectorTests
{
    private static readonly Lazy<KpiTable> Simulated = new(() =>
        UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 10, Seconds = 40, Seed = 3 }));

    private static ExperimentResult Train(KpiTable table, long seed = 5, int steps = 800, int? budget = 100, string? score = null, int[]? labelled = null, double testFraction = 0.2) =>
        DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = steps, Score = score }),
            new ExperimentOptions { LabelBudget = budget, Seed = seed, LabelledRows = labelled, TestFraction = testFraction });

    [Fact]
    public void TrainsOnSimulatedDataAndBeatsChanceClearly()
    {
        var r = Train(Simulated.Value);
        Assert.NotNull(r.Test);
        Assert.True(r.Test!.RocAuc > 0.85, $"ROC-AUC {r.Test.RocAuc}");
        Assert.True(r.Test.UnweightedAverageRecall > 0.75, $"UAR {r.Test.UnweightedAverageRecall}");
        Assert.Equal("held-back labelled rows of the budget", r.Validation["selectionOn"]!.GetValue<string>());
        Assert.NotEmpty(r.History);
    }

    [Fact]
    public void SameSeedSameModelBytesDifferentSeedDifferent()
    {
        var a = Train(Simulated.Value, seed: 9, steps: 200).Model.ToBytes();
        var b = Train(Simulated.Value, seed: 9, steps: 200).Model.ToBytes();
        var c = Train(Simulated.Value, seed: 10, steps: 200).Model.ToBytes();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SaveLoadRoundTripsBitIdentically()
    {
        var r = Train(Simulated.Value, steps: 200);
        var path = Path.Combine(TestPaths.TempDir(), "cae.model");
        r.Model.Save(path);
        var back = DetectorModel.Load(path);
        Assert.Equal(r.Model.ToBytes(), back.ToBytes());
        var s1 = r.Model.Score(Simulated.Value).Scores;
        var s2 = back.Score(Simulated.Value).Scores;
        Assert.Equal(s1, s2);
        Assert.Equal(r.Model.Detector.Threshold, back.Detector.Threshold);
        Assert.Equal(r.Model.Detector.ScoreDescription, back.Detector.ScoreDescription);
    }

    [Fact]
    public void LabelsOutsideTheBudgetAreNeverRead()
    {
        // The annotator labelled a given set of rows; scramble every other training-pool label: nothing may change.
        var table = Simulated.Value;
        var labels = table.Labels();
        // No test split here (it is an evaluation device that reads labels by design): the whole table is the pool.
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        var budget = DataSplits.LabelBudget(all, labels, 100, 5);
        var keep = new HashSet<int>(budget.Labelled);
        var scrambled = (double[])table.LabelColumn!.Numbers!.Clone();
        for (int i = 0; i < scrambled.Length; i++) if (!keep.Contains(i)) scrambled[i] = 1 - scrambled[i];
        var cols = table.Columns.Select(c => c.Role == ColumnRole.Label ? new KpiColumn(c.Name, c.Role, scrambled) : c).ToList();
        var hidden = new KpiTable(cols, table.Source);
        var a = Train(table, steps: 200, labelled: budget.Labelled, testFraction: 0);
        var b = Train(hidden, steps: 200, labelled: budget.Labelled, testFraction: 0);
        Assert.Equal(a.Model.ToBytes(), b.Model.ToBytes());
        Assert.Equal(a.Model.Score(table).Scores, b.Model.Score(table).Scores);
    }

    [Theory]
    [InlineData("paper")]
    [InlineData("head")]
    [InlineData("reconstruction")]
    public void EveryScoreModeWorks(string mode)
    {
        var r = Train(Simulated.Value, steps: 400, score: mode);
        Assert.Equal(mode, r.Validation["scoreMode"]!.GetValue<string>());
        Assert.True(r.Test!.RocAuc > 0.6, $"{mode}: ROC-AUC {r.Test.RocAuc}");
    }

    [Fact]
    public void ScoreGradientMatchesFiniteDifferences()
    {
        var r = Train(Simulated.Value, steps: 200);
        var det = (SemiSupervisedDetector)r.Model.Detector;
        int d = det.InputWidth;
        var x = r.Model.Preprocessor.Transform(Simulated.Value.SelectRows([0, 1, 2]));
        var g = new float[x.Length];
        det.ScoreGradient(x, 3, g);
        var s = new float[3];
        const float h = 1e-3f;
        int checkedCount = 0;
        for (int j = 0; j < d; j += 3)
        {
            var xp = (float[])x.Clone();
            var xm = (float[])x.Clone();
            xp[j] += h;
            xm[j] -= h;
            det.Score(xp, 3, s);
            float fp = s[0];
            det.Score(xm, 3, s);
            float fm = s[0];
            double fd = (fp - fm) / (2.0 * h);
            Assert.True(Math.Abs(fd - g[j]) <= 2e-2 * Math.Max(1, Math.Abs(fd)), $"feature {j}: fd {fd} vs {g[j]}");
            checkedCount++;
        }
        Assert.True(checkedCount > 3);
    }

    [Fact]
    public void ForeignAndCorruptedModelFilesAreRefused()
    {
        var bytes = Train(Simulated.Value, steps: 50).Model.ToBytes();
        var cut = bytes[..(bytes.Length / 2)];
        Assert.Throws<InvalidDataException>(() => DetectorModel.FromBytes(cut, "half.model"));
        Assert.Throws<InvalidDataException>(() => DetectorModel.FromBytes(File.ReadAllBytes(TestPaths.Data("README.md")), "README.md"));
    }
}

public sealed class FixedChoicesTests
{
    [Fact]
    public void GivenWeightAndThresholdAreUsedAsIs()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 6, Seconds = 20, Seed = 8 });
        var r = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = 100, Score = "paper", ScoreWeight = 0.3f, Threshold = 0.42 }),
            new ExperimentOptions { LabelBudget = 60, Seed = 2 });
        var det = (SemiSupervisedDetector)r.Model.Detector;
        Assert.Equal(0.3f, det.Mix.Weight);
        Assert.Equal(0.42, det.Threshold);
        var forest = DetectionExperiment.Run(table, DetectorTrainers.Create(IsolationForestDetector.KindName, new TrainerSettings { Threshold = 0.6, MaxSamples = 64 }),
            new ExperimentOptions { LabelBudget = 60, Seed = 2 });
        Assert.Equal(0.6, forest.Model.Detector.Threshold);
        Assert.Equal(64, ((IsolationForestDetector)forest.Model.Detector).Forest.SubsampleSize);
    }
}

public sealed class CrossFittingTests
{
    [Fact]
    public void CrossFittingChoosesFromOutOfFoldScoresOfEveryLabel()
    {
        var table = UeTrafficSimulator.Generate(new UeTrafficOptions { Ues = 8, Seconds = 30, Seed = 4 });
        var r = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = 300, CrossFitFolds = 3 }),
            new ExperimentOptions { LabelBudget = 90, Seed = 3 });
        Assert.Equal(90, r.Validation["selectionRows"]!.GetValue<int>());
        Assert.Contains("3-fold", r.Validation["selectionOn"]!.GetValue<string>());
        Assert.True(r.Test!.RocAuc > 0.8, $"ROC-AUC {r.Test.RocAuc}");
        var again = DetectionExperiment.Run(table, DetectorTrainers.Create(SsDeepCae.KindName, new TrainerSettings { Steps = 300, CrossFitFolds = 3 }),
            new ExperimentOptions { LabelBudget = 90, Seed = 3 });
        Assert.Equal(r.Model.ToBytes(), again.Model.ToBytes());
    }
}
