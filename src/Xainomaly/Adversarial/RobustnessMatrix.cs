using System.Diagnostics;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Evaluation;
using Xainomaly.Explanation;

namespace Xainomaly.Adversarial;

/// <summary>
/// The robustness matrix (SON paper, Figs. 2–3, extended): for each detector × attack × ε, accuracy and UAR on the
/// held-out test split clean, under attack, and after adversarial training under the same attack (run afresh
/// against the hardened model); success rate, features changed, time per adversarial example, affected features.
/// </summary>
public static class RobustnessMatrix
{
    /// <summary>Runs the matrix on <paramref name="table"/> under the protocol of <see cref="RobustnessOptions.Experiment"/>.</summary>
    /// <exception cref="NotSupportedException">A detector without input gradient (Isolation Forest) is asked for.</exception>
    public static RobustnessReport Run(KpiTable table, RobustnessOptions options, IProgress<RobustnessProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Attacks.Count == 0) throw new ArgumentException("No attack to run.", nameof(options));
        foreach (var a in options.Attacks) a.Validate();
        var kinds = new List<(string Kind, DetectorModel? Model)>();
        foreach (var m in options.Models) kinds.Add((m.Info.Kind, m));
        foreach (var k in options.Kinds)
            if (!kinds.Exists(x => x.Kind == k)) kinds.Add((k, null));
        foreach (var (k, _) in kinds)
            if (k == IsolationForestDetector.KindName)
                throw new NotSupportedException("The Isolation Forest has no input gradient, so FGSM, PGD and JSMA cannot attack it; leave iforest out of --models.");

        var clock = Stopwatch.StartNew();
        int total = kinds.Count * (1 + options.Attacks.Count * (options.Harden ? 2 : 1)), done = 0;
        void Report(string status) => progress?.Report(new RobustnessProgress(done, total, status));

        var labels = table.Labels();
        int[] test = options.Experiment.TestFraction > 0
            ? DataSplits.StratifiedTrainTest(labels, options.Experiment.TestFraction, options.Experiment.SplitSeed).Test
            : throw new ArgumentException("The robustness matrix needs a held-out test split (test fraction > 0).");
        var testLabels = new int[test.Length];
        for (int i = 0; i < test.Length; i++) testLabels[i] = labels[test[i]];

        var cells = new List<RobustnessCell>();
        var features = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (kind, given) in kinds)
        {
            cancellation.ThrowIfCancellationRequested();
            Report($"{kind}: training");
            var trainer = DetectorTrainers.Create(kind, options.Training);
            var model = given ?? DetectionExperiment.Run(table, trainer, options.Experiment, null, cancellation).Model;
            if (model.WindowLength > 1) throw new NotSupportedException($"The {kind} detector scores windows of records; the robustness matrix attacks per-record detectors.");
            done++;
            var mask = options.Features is { } cols ? FeatureMask.FromColumns(model.Preprocessor, cols) : FeatureMask.Default(model.Preprocessor);
            features[kind] = mask.Columns;
            var x = model.Inputs(table, out _, test);
            var clean = Metrics(model.Detector, x, testLabels);
            ExplanationSet? shap = null;
            bool shapDone = false;
            foreach (var attack in options.Attacks)
            {
                cancellation.ThrowIfCancellationRequested();
                Report($"{kind}: {attack.Method} ε = {attack.Epsilon:G3}");
                var result = attack.Create(model.Detector, mask).Generate(x, testLabels, test.Length, options.Goal);
                var under = BinaryMetrics.Compute(testLabels, result.ScoresAfter, model.Detector.Threshold);
                if (!shapDone && options.ShapRows > 0)
                {
                    shap = ExplainAttacked(model, table, x, result, options);
                    shapDone = true;
                }
                var affected = AffectedFeatures.Compute(x, result, mask, model.Preprocessor.Features, shap);
                done++;
                var cell = new RobustnessCell(kind, model.Detector.ScoreDescription, attack, clean.Accuracy, clean.UnweightedAverageRecall,
                    under.Accuracy, under.UnweightedAverageRecall, result.SuccessRate, result.MeanFeaturesChanged, result.MillisecondsPerExample, affected);
                if (options.Harden)
                {
                    Report($"{kind}: adversarial training with {attack.Method} ε = {attack.Epsilon:G3}");
                    var hardClock = Stopwatch.StartNew();
                    var adv = new AdversarialTrainer(trainer, new AdversarialTrainingOptions(attack, mask, options.Ratio, options.Rounds));
                    var hardened = DetectionExperiment.Run(table, adv, options.Experiment, null, cancellation).Model;
                    double seconds = hardClock.Elapsed.TotalSeconds;
                    if (!hardened.Preprocessor.FeatureNames.SequenceEqual(model.Preprocessor.FeatureNames))
                        throw new InvalidOperationException("The hardened model's inputs differ from the clean model's; train both on the same data and split.");
                    var hx = hardened.Inputs(table, out _, test);
                    var hClean = Metrics(hardened.Detector, hx, testLabels);
                    var hResult = attack.Create(hardened.Detector, mask).Generate(hx, testLabels, test.Length, options.Goal);
                    var hUnder = BinaryMetrics.Compute(testLabels, hResult.ScoresAfter, hardened.Detector.Threshold);
                    cell = cell with
                    {
                        HardenedCleanAccuracy = hClean.Accuracy,
                        HardenedCleanUar = hClean.UnweightedAverageRecall,
                        HardenedAttackAccuracy = hUnder.Accuracy,
                        HardenedAttackUar = hUnder.UnweightedAverageRecall,
                        HardenedSuccessRate = hResult.SuccessRate,
                        HardenedMeanFeaturesChanged = hResult.MeanFeaturesChanged,
                        HardenSeconds = seconds,
                    };
                    done++;
                }
                cells.Add(cell);
            }
        }
        Report("done");
        return new RobustnessReport(cells, options.Goal, features, test.Length, options.Experiment.BudgetName, clock.Elapsed.TotalSeconds);
    }

    private static BinaryMetrics Metrics(IAnomalyDetector detector, float[] x, int[] labels)
    {
        var s = new float[labels.Length];
        detector.Score(x, labels.Length, s);
        return BinaryMetrics.Compute(labels, s, detector.Threshold);
    }

    // Mean |φ| of the model's score over attacked test rows, permutation sampling over a background of training rows.
    private static ExplanationSet ExplainAttacked(DetectorModel model, KpiTable table, float[] x, AttackResult result, RobustnessOptions options)
    {
        int d = result.Width;
        var attacked = new List<int>();
        for (int i = 0; i < result.Count && attacked.Count < options.ShapRows; i++) if (result.Rows[i].Attacked) attacked.Add(i);
        var labels = table.Labels();
        var pool = DataSplits.StratifiedTrainTest(labels, options.Experiment.TestFraction, options.Experiment.SplitSeed).Train;
        var poolX = model.Inputs(table, out _, pool);
        var background = BackgroundSet.Sample(poolX, d, Math.Min(options.ShapBackground, pool.Length), options.Experiment.Seed);
        var value = new ValueFunction(ModelFunction.FromDetector(model.Detector), background, model.InputFeatureNames);
        var explainer = new PermutationExplainer(value, new PermutationExplainerOptions(options.ShapPermutations, options.Experiment.Seed));
        return AffectedFeatures.Explain(explainer, x, d, attacked, options.ShapRows);
    }
}
