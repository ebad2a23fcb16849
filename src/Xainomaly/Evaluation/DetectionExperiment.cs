using System.Diagnostics;
using System.Text.Json.Nodes;

using Xainomaly.Data;
using Xainomaly.Detection;

namespace Xainomaly.Evaluation;

/// <summary>Runs the detection protocol (<see cref="ExperimentOptions"/>) for one trainer, seed and label budget.</summary>
public static class DetectionExperiment
{
    /// <summary>Splits, draws the label budget, fits the preprocessor and the detector, and scores the test split.</summary>
    public static ExperimentResult Run(KpiTable table, IDetectorTrainer trainer, ExperimentOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var labels = table.Labels();
        int[] pool, test;
        if (options.TestFraction > 0)
        {
            var split = DataSplits.StratifiedTrainTest(labels, options.TestFraction, options.SplitSeed);
            pool = split.Train;
            test = split.Test;
        }
        else
        {
            pool = Enumerable.Range(0, table.RowCount).ToArray();
            test = [];
        }
        // A sequence model needs UE ids and timestamps: fail before any work, naming the file.
        if (trainer is WindowedTrainer windowed) SequenceWindows.Keys(table, windowed.WindowLength);
        LabelBudgetSplit budget;
        if (options.LabelledRows is { } given)
        {
            var inPool = new HashSet<int>(pool);
            foreach (var r in given)
                if (!inPool.Contains(r)) throw new ArgumentException($"Labelled row {r} is not in the training pool (it is in the test split or out of range).");
            var chosen = new HashSet<int>(given);
            budget = new LabelBudgetSplit([.. chosen.Order()], [.. pool.Where(r => !chosen.Contains(r))]);
        }
        else
        {
            budget = DataSplits.LabelBudget(pool, labels, options.LabelBudget, options.Seed);
        }
        var poolTable = table.SelectRows(pool);
        var preprocessor = Preprocessor.Fit(poolTable, options.Preprocessing);

        // Rows of the training pool carry their label only when the budget drew them.
        var poolLabels = new int[pool.Length];
        var labelledSet = new HashSet<int>(budget.Labelled);
        for (int i = 0; i < pool.Length; i++) poolLabels[i] = labelledSet.Contains(pool[i]) ? labels[pool[i]] : -1;
        var data = ToTrainingData(poolTable, preprocessor, poolLabels);
        if (options.ExtraUnlabelled is { } extra)
        {
            var extraData = ToTrainingData(extra, preprocessor, Enumerable.Repeat(-1, extra.RowCount).ToArray());
            data = Append(data, extraData);
        }

        var context = new TrainingContext(options.Seed, progress, cancellation);
        var clock = Stopwatch.StartNew();
        var detector = trainer.Fit(data, context);
        double seconds = clock.Elapsed.TotalSeconds;

        var info = new ModelInfo
        {
            Kind = trainer.Kind,
            Hyperparameters = trainer.Hyperparameters,
            Training = new JsonObject
            {
                ["dataSource"] = options.DataSource ?? table.Source,
                ["dataSha256"] = options.DataSha256,
                ["seed"] = options.Seed,
                ["labelBudget"] = options.BudgetName,
                ["labelledRows"] = budget.Labelled.Length,
                ["unlabelledRows"] = data.Count - budget.Labelled.Length,
                ["trainingPoolRows"] = pool.Length,
                ["testFraction"] = options.TestFraction,
                ["splitSeed"] = options.SplitSeed,
            },
            Validation = (JsonObject)context.Validation.DeepClone(),
        };
        var model = new DetectorModel(preprocessor, detector, info);

        BinaryMetrics? metrics = null;
        int[] testLabels = [];
        float[] testScores = [];
        if (test.Length > 0)
        {
            // Windows of test records take their predecessors from the whole file, as a deployed detector sees
            // each UE's stream; only features of earlier records enter, never a label.
            var scored = model.WindowLength > 1 ? model.Score(table, test) : model.Score(table.SelectRows(test));
            testLabels = new int[test.Length];
            for (int i = 0; i < test.Length; i++) testLabels[i] = labels[test[i]];
            testScores = scored.Scores;
            metrics = BinaryMetrics.Compute(testLabels, testScores, detector.Threshold);
        }
        return new ExperimentResult(model, metrics, testLabels, testScores, context.Validation, context.History, seconds, test);
    }

    /// <summary>Preprocesses a table into training data, keeping UE id and timestamp as sequence keys where present.</summary>
    public static TrainingData ToTrainingData(KpiTable table, Preprocessor preprocessor, int[] labels)
    {
        var x = preprocessor.Transform(table);
        string[]? groups = table.TryGetColumn(UeSchema.UeId, out var ue) ? ue.Texts : null;
        string[]? order = table.TryGetColumn(UeSchema.Timestamp, out var ts) ? ts.Texts : null;
        return new TrainingData(x, preprocessor.InputWidth, labels, groups, order);
    }

    private static TrainingData Append(TrainingData a, TrainingData b)
    {
        string[]? g = a.GroupKeys is not null && b.GroupKeys is not null ? [.. a.GroupKeys, .. b.GroupKeys] : null;
        string[]? o = a.OrderKeys is not null && b.OrderKeys is not null ? [.. a.OrderKeys, .. b.OrderKeys] : null;
        return new TrainingData([.. a.X, .. b.X], a.Width, [.. a.Labels, .. b.Labels], g, o);
    }
}
