using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Evaluation.Tuning;

/// <summary>
/// The training pool of the detection protocol as a search sees it: preprocessed rows whose labels are −1 except for
/// the label budget's rows. The test split's rows are not in it.
/// </summary>
/// <param name="Data">Pool rows; only the budget's rows carry a label.</param>
/// <param name="PoolRows">Table row of each pool row.</param>
/// <param name="TestRows">Table rows of the held-out test split (never used by the search).</param>
/// <param name="LabelledRows">Table rows of the label budget.</param>
public sealed record TuningPool(TrainingData Data, int[] PoolRows, int[] TestRows, int[] LabelledRows)
{
    /// <summary>
    /// Splits <paramref name="table"/> as <see cref="DetectionExperiment"/> does (stratified test split, label budget
    /// drawn from the rest with <see cref="ExperimentOptions.Seed"/>, preprocessor fitted on the pool) and hides every
    /// label outside the budget.
    /// </summary>
    public static TuningPool Create(KpiTable table, ExperimentOptions protocol)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(protocol);
        var labels = table.Labels();
        int[] pool, test;
        if (protocol.TestFraction > 0)
        {
            var split = DataSplits.StratifiedTrainTest(labels, protocol.TestFraction, protocol.SplitSeed);
            (pool, test) = (split.Train, split.Test);
        }
        else
        {
            (pool, test) = (Enumerable.Range(0, table.RowCount).ToArray(), []);
        }
        int[] labelled;
        if (protocol.LabelledRows is { } given)
        {
            var inPool = new HashSet<int>(pool);
            foreach (var r in given)
                if (!inPool.Contains(r)) throw new ArgumentException($"Labelled row {r} is not in the training pool.");
            labelled = [.. new SortedSet<int>(given)];
        }
        else
        {
            labelled = DataSplits.LabelBudget(pool, labels, protocol.LabelBudget, protocol.Seed).Labelled;
        }
        var poolTable = table.SelectRows(pool);
        var preprocessor = Preprocessor.Fit(poolTable, protocol.Preprocessing);
        var isLabelled = new HashSet<int>(labelled);
        var poolLabels = new int[pool.Length];
        for (int i = 0; i < pool.Length; i++) poolLabels[i] = isLabelled.Contains(pool[i]) ? labels[pool[i]] : -1;
        return new TuningPool(DetectionExperiment.ToTrainingData(poolTable, preprocessor, poolLabels), pool, test, labelled);
    }
}
