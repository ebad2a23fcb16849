using Xainomaly.Numerics;

namespace Xainomaly.Data;

/// <summary>
/// Stratified, seeded splits and label budgets. Classes are the distinct label values; within each class rows are
/// shuffled with one <see cref="Rng"/> (classes in ascending order), so a seed gives the same indices on every machine.
/// Per-class counts are rounded from the exact share, so class proportions hold to within one row per class.
/// </summary>
public static class DataSplits
{
    /// <summary>Stratified train/test split of rows 0..n−1 with labels <paramref name="labels"/>
    /// (protocol: 20 % test, seed 42).</summary>
    public static TrainTestSplit StratifiedTrainTest(ReadOnlySpan<int> labels, double testFraction, long seed)
    {
        CheckFraction(testFraction, nameof(testFraction));
        var split = Split(labels, 0, testFraction, seed);
        return new TrainTestSplit(split.Train, split.Test);
    }

    /// <summary>Stratified train/validation/test split of rows 0..n−1.</summary>
    public static TrainValidationTestSplit StratifiedTrainValidationTest(ReadOnlySpan<int> labels, double validationFraction, double testFraction, long seed)
    {
        CheckFraction(validationFraction, nameof(validationFraction));
        CheckFraction(testFraction, nameof(testFraction));
        if (validationFraction + testFraction >= 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), $"Validation ({validationFraction}) and test ({testFraction}) fractions must leave rows for training.");
        return Split(labels, validationFraction, testFraction, seed);
    }

    /// <summary>
    /// Draws a label budget of <paramref name="k"/> rows from <paramref name="pool"/> (indices into
    /// <paramref name="labels"/>), stratified: class proportions are kept (largest remainder), and when k is at
    /// least the number of classes every class gets at least one labelled row. <paramref name="k"/> = null means
    /// every row of the pool is labelled ("all").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k is negative or larger than the pool.</exception>
    public static LabelBudgetSplit LabelBudget(ReadOnlySpan<int> pool, ReadOnlySpan<int> labels, int? k, long seed)
    {
        if (k is null) return new LabelBudgetSplit(Sorted(pool), []);
        int budget = k.Value;
        if (budget < 0) throw new ArgumentOutOfRangeException(nameof(k), budget, "A label budget cannot be negative.");
        if (budget > pool.Length)
            throw new ArgumentOutOfRangeException(nameof(k), budget, $"The label budget of {budget} labels exceeds the pool of {pool.Length} rows; use 'all' or a smaller budget.");
        var classes = Group(pool, labels);
        int n = pool.Length;
        var alloc = new int[classes.Count];
        var remainder = new double[classes.Count];
        int given = 0;
        for (int c = 0; c < classes.Count; c++)
        {
            double exact = (double)budget * classes[c].Count / n;
            alloc[c] = (int)Math.Floor(exact);
            remainder[c] = exact - alloc[c];
            given += alloc[c];
        }
        while (given < budget)
        {
            int best = -1;
            for (int c = 0; c < classes.Count; c++)
            {
                if (alloc[c] < classes[c].Count && (best < 0 || remainder[c] > remainder[best])) best = c;
            }
            alloc[best]++;
            remainder[best] = -1;
            given++;
        }
        if (budget >= classes.Count)
        {
            // A budget without one class cannot train or validate a detector for it: move one label over from the largest.
            for (int c = 0; c < classes.Count; c++)
            {
                if (alloc[c] > 0) continue;
                int donor = 0;
                for (int e = 1; e < classes.Count; e++) if (alloc[e] > alloc[donor]) donor = e;
                alloc[donor]--;
                alloc[c]++;
            }
        }
        var rng = new Rng(seed);
        var labelled = new List<int>(budget);
        var unlabelled = new List<int>(n - budget);
        for (int c = 0; c < classes.Count; c++)
        {
            var members = classes[c].ToArray();
            rng.Shuffle<int>(members);
            for (int i = 0; i < members.Length; i++) (i < alloc[c] ? labelled : unlabelled).Add(members[i]);
        }
        return new LabelBudgetSplit(Sorted(labelled), Sorted(unlabelled));
    }

    /// <summary>
    /// Stratified k-fold partition of <paramref name="indices"/> (indices into <paramref name="labels"/>): the
    /// validation parts are disjoint and cover the indices, and each class is dealt evenly over the folds.
    /// </summary>
    public static CrossValidationFold[] StratifiedKFold(ReadOnlySpan<int> indices, ReadOnlySpan<int> labels, int k, long seed)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "k-fold needs k ≥ 2.");
        if (k > indices.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"k = {k} folds need at least {k} rows; there are {indices.Length}.");
        var classes = Group(indices, labels);
        var rng = new Rng(seed);
        var folds = new List<int>[k];
        for (int f = 0; f < k; f++) folds[f] = [];
        int next = 0;
        foreach (var members in classes)
        {
            var m = members.ToArray();
            rng.Shuffle<int>(m);
            // Dealing continues across classes so that fold sizes differ by at most one.
            foreach (var i in m)
            {
                folds[next].Add(i);
                next = (next + 1) % k;
            }
        }
        var result = new CrossValidationFold[k];
        for (int f = 0; f < k; f++)
        {
            var train = new List<int>(indices.Length);
            for (int g = 0; g < k; g++) if (g != f) train.AddRange(folds[g]);
            result[f] = new CrossValidationFold(Sorted(train), Sorted(folds[f]));
        }
        return result;
    }

    private static TrainValidationTestSplit Split(ReadOnlySpan<int> labels, double validationFraction, double testFraction, long seed)
    {
        var all = new int[labels.Length];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        var classes = Group(all, labels);
        var rng = new Rng(seed);
        var train = new List<int>(labels.Length);
        var validation = new List<int>();
        var test = new List<int>();
        foreach (var members in classes)
        {
            var m = members.ToArray();
            rng.Shuffle<int>(m);
            int nTest = (int)Math.Round(m.Length * testFraction, MidpointRounding.AwayFromZero);
            int nVal = Math.Min(m.Length - nTest, (int)Math.Round(m.Length * validationFraction, MidpointRounding.AwayFromZero));
            for (int i = 0; i < m.Length; i++)
            {
                if (i < nTest) test.Add(m[i]);
                else if (i < nTest + nVal) validation.Add(m[i]);
                else train.Add(m[i]);
            }
        }
        return new TrainValidationTestSplit(Sorted(train), Sorted(validation), Sorted(test));
    }

    private static List<List<int>> Group(ReadOnlySpan<int> rows, ReadOnlySpan<int> labels)
    {
        var byClass = new SortedDictionary<int, List<int>>();
        foreach (int r in rows)
        {
            if ((uint)r >= (uint)labels.Length)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row index {r} is outside the {labels.Length} labels.");
            if (!byClass.TryGetValue(labels[r], out var list)) byClass[labels[r]] = list = [];
            list.Add(r);
        }
        return [.. byClass.Values];
    }

    private static void CheckFraction(double f, string name)
    {
        if (!(f > 0 && f < 1)) throw new ArgumentOutOfRangeException(name, f, "A split fraction must lie strictly between 0 and 1.");
    }

    private static int[] Sorted(ReadOnlySpan<int> rows)
    {
        var a = rows.ToArray();
        Array.Sort(a);
        return a;
    }

    private static int[] Sorted(List<int> rows)
    {
        var a = rows.ToArray();
        Array.Sort(a);
        return a;
    }
}
