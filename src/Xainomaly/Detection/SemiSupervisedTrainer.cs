using System.Text.Json.Nodes;

using Xainomaly.Data;

namespace Xainomaly.Detection;

/// <summary>
/// Trains any semi-supervised network and turns it into a detector with an honest label budget: a stratified share
/// of the budget's labelled rows is held back (not trained on) and used alone to choose the score mix (γ or β) and
/// the threshold τ; nothing outside the budget is ever read.
/// </summary>
public sealed class SemiSupervisedTrainer : IDetectorTrainer
{
    private readonly Func<NetworkFitRequest, IComponentScorer> _fit;
    private readonly TrainerSettings _settings;

    /// <summary>Creates a trainer for <paramref name="kind"/> whose network is fitted by <paramref name="fit"/>.</summary>
    public SemiSupervisedTrainer(string kind, TrainerSettings settings, JsonObject hyperparameters, Func<NetworkFitRequest, IComponentScorer> fit)
    {
        Kind = kind;
        _settings = settings;
        _fit = fit;
        Hyperparameters = hyperparameters;
        Hyperparameters["score"] = ScoreMode;
        Hyperparameters["validationShare"] = ValidationShare;
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    public JsonObject Hyperparameters { get; }

    /// <summary>The score mode (auto, head, paper, reconstruction).</summary>
    public string ScoreMode => _settings.Score ?? "auto";

    /// <summary>Share of the labelled rows held back for the choices.</summary>
    public double ValidationShare => _settings.ValidationShare ?? 0.25;

    /// <inheritdoc />
    public IAnomalyDetector Fit(TrainingData data, TrainingContext context)
    {
        data.Validate();
        if (!ScoreMix.Modes.Contains(ScoreMode))
            throw new ArgumentException($"--score {ScoreMode}: expected one of {string.Join(", ", ScoreMix.Modes)}.", "--score");
        var allLabelled = data.LabelledRows();
        // Derived rows (adversarial copies) are never held back: the choices are made on original labels only.
        var labelled = data.CopyOf is null ? allLabelled : Array.FindAll(allLabelled, i => !data.IsCopy(i));
        var unlabelled = data.UnlabelledRows();
        var labelledY = new int[labelled.Length];
        for (int i = 0; i < labelled.Length; i++) labelledY[i] = data.Labels[labelled[i]];
        int positives = labelledY.Sum(), negatives = labelled.Length - positives;
        int folds = _settings.CrossFitFolds ?? 0;
        if (folds >= 2 && positives >= folds && negatives >= folds)
        {
            if (data.CopyOf is not null)
                throw new ArgumentException("Cross-fitting (--cross-fit) is not supported together with adversarial training; leave one of them out.", "--cross-fit");
            return CrossFit(data, labelled, labelledY, unlabelled, folds, context);
        }

        int[] train = allLabelled, validation = [], stopping = [];
        if (positives >= 2 && negatives >= 2 && ValidationShare > 0)
        {
            var split = DataSplits.StratifiedTrainTest(labelledY, ValidationShare, context.Seed ^ 0x5A17);
            validation = [.. split.Test.Select(i => labelled[i])];
            var heldBack = new HashSet<int>(validation);
            // A copy of a held-back row would leak that row into training; it is left out altogether.
            train = Array.FindAll(allLabelled, i => !heldBack.Contains(i) && !(data.IsCopy(i) && heldBack.Contains(data.CopyOf![i])));
            // Early stopping also watches the copies of held-back rows (the robust loss); τ and the mix use clean rows only.
            stopping = data.CopyOf is null ? validation : [.. validation, .. Array.FindAll(allLabelled, i => data.IsCopy(i) && heldBack.Contains(data.CopyOf![i]))];
            if (data.CopyOf is not null)
            {
                context.Validation["derivedRowsTrained"] = Array.FindAll(train, data.IsCopy).Length;
                context.Validation["derivedRowsForEarlyStopping"] = stopping.Length - validation.Length;
            }
        }
        // Validation rows are still good unlabelled rows for reconstruction.
        var reconstructOnly = validation.Length == 0 ? unlabelled : [.. unlabelled, .. validation];
        var network = _fit(new NetworkFitRequest(data, train, reconstructOnly, stopping, _settings, context));

        var scaleRows = unlabelled.Length > 0 ? unlabelled : Enumerable.Range(0, data.Count).ToArray();
        var (reScale, zScale) = Scales(network, data, scaleRows);
        var mode = EffectiveMode(network);

        var selectRows = validation.Length > 0 ? validation : train;
        context.Validation["selectionRows"] = selectRows.Length;
        context.Validation["selectionOn"] = validation.Length > 0 ? "held-back labelled rows of the budget" : "training labels (too few labels to hold any back)";
        if (selectRows.Length == 0 || !BothClasses(data, selectRows))
        {
            // No labels of both classes at all: τ flags the top 5 % of unlabelled rows.
            var mix0 = new ScoreMix(mode, mode == "paper" ? 0.5f : 0f, reScale, zScale);
            var all = ScoresOf(network, mix0, data, scaleRows);
            double tau0 = _settings.Threshold ?? ThresholdSelector.Quantile(all, 0.05);
            context.Validation["thresholdRule"] = "top 5 % of unlabelled rows (no labels of both classes)";
            context.Validation["threshold"] = tau0;
            return new SemiSupervisedDetector(network, mix0, tau0);
        }

        var y = new int[selectRows.Length];
        for (int i = 0; i < y.Length; i++) y[i] = data.Labels[selectRows[i]];
        var re = new float[selectRows.Length];
        var z = new float[selectRows.Length];
        var p = new float[selectRows.Length];
        var sub = data.Select(selectRows);
        network.ScoreComponents(sub.X, sub.Count, re, z, p);
        var (best, bestTau, bestUar) = Choose(mode, re, z, p, y, reScale, zScale);
        return Finish(network, best, bestTau, bestUar, y, context);
    }

    private string EffectiveMode(IComponentScorer network)
    {
        var mode = ScoreMode;
        if (mode is "head" or "auto" && !network.HasHead) mode = "reconstruction";
        if (mode == "paper" && !network.HasLatent) mode = "reconstruction";
        return mode;
    }

    /// <summary>
    /// k-fold cross-fitting over the budget's labels: each fold's network is trained without that fold's labels and
    /// scores it, so every label gives one out-of-fold score for the choice of mix and τ; the final network is trained
    /// on every label. With few labels this chooses from all of them instead of a quarter.
    /// </summary>
    private SemiSupervisedDetector CrossFit(TrainingData data, int[] labelled, int[] labelledY, int[] unlabelled, int folds, TrainingContext context)
    {
        var byRow = new int[data.Count];
        for (int i = 0; i < labelled.Length; i++) byRow[labelled[i]] = labelledY[i];
        var parts = DataSplits.StratifiedKFold(labelled, byRow, folds, context.Seed ^ 0x5A17);
        var scaleRows = unlabelled.Length > 0 ? unlabelled : Enumerable.Range(0, data.Count).ToArray();
        var oofRows = new List<int>();
        var oofRe = new List<float>();
        var oofZ = new List<float>();
        var oofP = new List<float>();
        string? mode = null;
        for (int f = 0; f < parts.Length; f++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var foldContext = new TrainingContext(context.Seed + 7919 * (f + 1), null, context.Cancellation);
            var heldOut = parts[f].Validation;
            var net = _fit(new NetworkFitRequest(data, parts[f].Train, [.. unlabelled, .. heldOut], heldOut, _settings, foldContext));
            mode ??= EffectiveMode(net);
            var (rs, zs) = Scales(net, data, scaleRows);
            var sub = data.Select(heldOut);
            var re = new float[heldOut.Length];
            var z = new float[heldOut.Length];
            var p = new float[heldOut.Length];
            net.ScoreComponents(sub.X, sub.Count, re, z, p);
            for (int i = 0; i < heldOut.Length; i++)
            {
                oofRows.Add(heldOut[i]);
                oofRe.Add(re[i] / rs);
                oofZ.Add(z[i] / zs);
                oofP.Add(p[i]);
            }
            context.Progress?.Report(new TrainingProgress(f + 1, folds + 1, double.NaN, Phase: "cross-fitting"));
        }
        var network = _fit(new NetworkFitRequest(data, labelled, unlabelled, [], _settings, context));
        var (reScale, zScale) = Scales(network, data, scaleRows);
        var y = oofRows.Select(r => data.Labels[r]).ToArray();
        // Out-of-fold parts are already normalised by their own fold's scales.
        var (chosen, tau, uar) = Choose(mode!, [.. oofRe], [.. oofZ], [.. oofP], y, 1f, 1f);
        context.Validation["selectionRows"] = y.Length;
        context.Validation["selectionOn"] = $"out-of-fold scores of all budget labels ({folds}-fold cross-fitting)";
        return Finish(network, chosen with { ReconstructionScale = reScale, LatentScale = zScale }, tau, uar, y, context);
    }

    private (ScoreMix Mix, double Tau, double Uar) Choose(string mode, float[] re, float[] z, float[] p, int[] y, float reScale, float zScale)
    {
        float[] weights = mode switch
        {
            "paper" => [1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0f],
            "auto" => [0f, 0.05f, 0.1f, 0.2f, 0.3f, 0.5f, 0.7f, 1f],
            _ => [0f],
        };
        if (_settings.ScoreWeight is { } fixedWeight)
        {
            if (!(fixedWeight >= 0 && fixedWeight <= 1)) throw new ArgumentException($"--score-weight must be in [0, 1] (got {fixedWeight}).", "--score-weight");
            weights = [fixedWeight];
        }
        ScoreMix? best = null;
        double bestUar = -1, bestTau = 0;
        var s = new float[y.Length];
        foreach (var w in weights)
        {
            var mix = new ScoreMix(mode, w, reScale, zScale);
            for (int i = 0; i < s.Length; i++) s[i] = mix.Combine(re[i], z[i], p[i]);
            double tau = _settings.Threshold ?? ThresholdSelector.MaximizeUar(s, y);
            double uar = ThresholdSelector.UarAt(s, y, tau);
            if (uar > bestUar + 1e-9)
            {
                best = mix;
                bestUar = uar;
                bestTau = tau;
            }
        }
        return (best!, bestTau, bestUar);
    }

    private SemiSupervisedDetector Finish(IComponentScorer network, ScoreMix best, double bestTau, double bestUar, int[] y, TrainingContext context)
    {
        context.Validation["scoreMode"] = best!.Mode;
        context.Validation["scoreWeight"] = best.Weight;
        context.Validation["threshold"] = bestTau;
        context.Validation["thresholdRule"] = _settings.Threshold is null ? "max UAR on the selection rows" : "given (--threshold)";
        context.Validation["uar"] = bestUar;
        context.Validation["selectionPositives"] = y.Sum();
        return new SemiSupervisedDetector(network, best, bestTau);
    }

    private static bool BothClasses(TrainingData data, int[] rows)
    {
        bool pos = false, neg = false;
        foreach (var r in rows) { if (data.Labels[r] == 1) pos = true; else if (data.Labels[r] == 0) neg = true; }
        return pos && neg;
    }

    private static float[] ScoresOf(IComponentScorer network, ScoreMix mix, TrainingData data, int[] rows)
    {
        var sub = data.Select(rows);
        var det = new SemiSupervisedDetector(network, mix, 0);
        var s = new float[rows.Length];
        det.Score(sub.X, sub.Count, s);
        return s;
    }

    /// <summary>99th percentiles of RE and ‖z‖ over (up to 20,000 of) the unlabelled rows; 1 where a part is absent.</summary>
    private static (float Re, float Z) Scales(IComponentScorer network, TrainingData data, int[] rows)
    {
        var take = rows.Length > 20_000 ? rows[..20_000] : rows;
        var sub = data.Select(take);
        var re = new float[take.Length];
        var z = new float[take.Length];
        var p = new float[take.Length];
        network.ScoreComponents(sub.X, sub.Count, re, z, p);
        return (Percentile99(re), Percentile99(z));
    }

    private static float Percentile99(float[] values)
    {
        if (values.Length == 0) return 1;
        var v = (float[])values.Clone();
        Array.Sort(v);
        float q = v[(int)Math.Floor(0.99 * (v.Length - 1))];
        return q > 1e-12f ? q : 1;
    }
}
