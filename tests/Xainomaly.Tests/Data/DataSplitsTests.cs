using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Xainomaly.Data;

namespace Xainomaly.Tests.Data;

public sealed class DataSplitsTests
{
    private static readonly Lazy<int[]> ValidLabels = new(() => KpiCsvReader.Read(TestPaths.Data("valid.csv")).Labels());

    private static void AssertSortedDistinct(int[] a)
    {
        for (int i = 1; i < a.Length; i++) Assert.True(a[i - 1] < a[i], "indices must be sorted and distinct");
    }

    [Fact]
    public void ProtocolSplitIsStratifiedDisjointAndCovering()
    {
        var y = ValidLabels.Value;
        var s = DataSplits.StratifiedTrainTest(y, 0.2, 42);
        AssertSortedDistinct(s.Train);
        AssertSortedDistinct(s.Test);
        Assert.Empty(s.Train.Intersect(s.Test));
        Assert.Equal(Enumerable.Range(0, y.Length), s.Train.Concat(s.Test).Order());
        // 7,345 normal and 2,485 anomalous rows: 20 % of each, rounded.
        Assert.Equal(1_469, s.Test.Count(i => y[i] == 0));
        Assert.Equal(497, s.Test.Count(i => y[i] == 1));
        Assert.Equal(s.Test, DataSplits.StratifiedTrainTest(y, 0.2, 42).Test);
        Assert.NotEqual(s.Test, DataSplits.StratifiedTrainTest(y, 0.2, 43).Test);
    }

    [Fact]
    public void ThreeWaySplitKeepsProportions()
    {
        var y = ValidLabels.Value;
        var s = DataSplits.StratifiedTrainValidationTest(y, 0.15, 0.2, 7);
        Assert.Equal(y.Length, s.Train.Length + s.Validation.Length + s.Test.Length);
        Assert.Equal(y.Length, s.Train.Concat(s.Validation).Concat(s.Test).Distinct().Count());
        foreach (var (part, f) in new[] { (s.Validation, 0.15), (s.Test, 0.2) })
        {
            for (int c = 0; c < 2; c++)
            {
                int nc = y.Count(v => v == c);
                Assert.InRange(part.Count(i => y[i] == c), (nc * f) - 1, (nc * f) + 1);
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.StratifiedTrainValidationTest(y, 0.5, 0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.StratifiedTrainTest(y, 0, 1));
    }

    [Fact]
    public void LabelBudgetIsStratifiedWithinThePool()
    {
        var y = ValidLabels.Value;
        var pool = DataSplits.StratifiedTrainTest(y, 0.2, 42).Train;
        double rate = pool.Count(i => y[i] == 1) / (double)pool.Length;
        foreach (int k in new[] { 100, 300, 1000 })
        {
            var b = DataSplits.LabelBudget(pool, y, k, 1);
            Assert.Equal(k, b.Labelled.Length);
            Assert.Equal(pool.Length - k, b.Unlabelled.Length);
            AssertSortedDistinct(b.Labelled);
            Assert.Empty(b.Labelled.Intersect(b.Unlabelled));
            Assert.Equal(pool, b.Labelled.Concat(b.Unlabelled).Order());
            Assert.InRange(b.Labelled.Count(i => y[i] == 1), (k * rate) - 1, (k * rate) + 1);
        }
        Assert.Equal(DataSplits.LabelBudget(pool, y, 100, 1), DataSplits.LabelBudget(pool, y, 100, 1), new BudgetComparer());
        Assert.NotEqual(DataSplits.LabelBudget(pool, y, 100, 1).Labelled, DataSplits.LabelBudget(pool, y, 100, 2).Labelled);
        var all = DataSplits.LabelBudget(pool, y, null, 1);
        Assert.Equal(pool, all.Labelled);
        Assert.Empty(all.Unlabelled);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.LabelBudget(pool, y, pool.Length + 1, 1));
        Assert.Contains("exceeds the pool", ex.Message);
    }

    [Fact]
    public void SmallBudgetsGetEveryClass()
    {
        var y = new int[100];
        for (int i = 0; i < 3; i++) y[i * 30] = 1;
        var pool = Enumerable.Range(0, 100).ToArray();
        var b = DataSplits.LabelBudget(pool, y, 2, 5);
        Assert.Equal(1, b.Labelled.Count(i => y[i] == 1));
        Assert.Equal(1, b.Labelled.Count(i => y[i] == 0));
        Assert.Single(DataSplits.LabelBudget(pool, y, 1, 5).Labelled);
    }

    private sealed class BudgetComparer : IEqualityComparer<LabelBudgetSplit>
    {
        public bool Equals(LabelBudgetSplit? a, LabelBudgetSplit? b) =>
            a!.Labelled.SequenceEqual(b!.Labelled) && a.Unlabelled.SequenceEqual(b.Unlabelled);

        public int GetHashCode(LabelBudgetSplit s) => s.Labelled.Length;
    }

    [Property(MaxTest = 200)]
    public Property KFoldIsDisjointCoveringAndStratified(bool[] flags, PositiveInt kRaw, long seed)
    {
        var y = flags.Select(f => f ? 1 : 0).ToArray();
        if (y.Length < 2) return true.ToProperty();
        int k = 2 + (kRaw.Get % Math.Min(9, y.Length - 1));
        // A subset of the rows (every row but the first), as when folding within a label budget.
        var indices = Enumerable.Range(1, y.Length - 1).ToArray();
        if (k > indices.Length) return true.ToProperty();
        var folds = DataSplits.StratifiedKFold(indices, y, k, seed);
        bool ok = folds.Length == k;
        var validation = folds.SelectMany(f => f.Validation).Order().ToArray();
        ok &= validation.SequenceEqual(indices);
        foreach (var f in folds)
        {
            ok &= f.Train.Concat(f.Validation).Order().SequenceEqual(indices);
            ok &= !f.Train.Intersect(f.Validation).Any();
            for (int c = 0; c < 2; c++)
            {
                int nc = indices.Count(i => y[i] == c);
                int inFold = f.Validation.Count(i => y[i] == c);
                ok &= inFold == nc / k || inFold == (nc / k) + 1;
            }
            ok &= Math.Abs(f.Validation.Length - (indices.Length / (double)k)) < 1;
        }
        ok &= folds.Select(f => f.Validation).SequenceEqual(DataSplits.StratifiedKFold(indices, y, k, seed).Select(f => f.Validation), new ArrayComparer());
        return ok.ToProperty();
    }

    [Fact]
    public void KFoldRejectsImpossibleK()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.StratifiedKFold([0, 1, 2], [0, 1, 0], 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplits.StratifiedKFold([0, 1, 2], [0, 1, 0], 1, 1));
    }

    private sealed class ArrayComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? a, int[]? b) => a!.SequenceEqual(b!);

        public int GetHashCode(int[] a) => a.Length;
    }
}
