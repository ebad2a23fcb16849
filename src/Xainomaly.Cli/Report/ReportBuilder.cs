using System.Globalization;
using System.Text.Json.Nodes;

using Xainomaly.Evaluation;
using Xainomaly.Reporting;
using Xainomaly.Reporting.Html;

namespace Xainomaly.Cli.Report;

/// <summary>
/// Turns the result files under one directory into the report's five sections. Every number shown is read from a
/// result file as written; figures are drawn from the per-row data the results carry (scores CSV, φ, curves).
/// A section whose results are missing says which command makes them.
/// </summary>
internal sealed class ReportBuilder(ResultSet results)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private int _figures;

    /// <summary>The section ids, in order (the Chromium test checks each is present).</summary>
    public static IReadOnlyList<string> SectionIds { get; } = ["data", "detection", "explanations", "robustness", "provenance"];

    public HtmlReport Build(string title)
    {
        var inspect = results.Of("inspect").LastOrDefault();
        string subtitle = $"Results from {results.Directory}";
        if (inspect is not null) subtitle += $" — data {Json.Str(inspect.Json, "file")}";
        var report = new HtmlReport(title, subtitle);
        report.Add(Data());
        report.Add(Detection());
        report.Add(Explanations());
        report.Add(Robustness());
        report.Add(Provenance());
        return report;
    }

    private string NextId() => "fig" + (++_figures).ToString(Inv);

    private static HtmlReportSection Missing(string id, string title, string what, params string[] commands)
    {
        var w = new HtmlWriter();
        w.Open("div", ("class", "missing-results"));
        w.Text($"No {what} found under this directory. Make them with:");
        w.Open("ul");
        foreach (var c in commands) w.Open("li").Element("code", c).Close();
        w.Close().Close();
        return new HtmlReportSection(id, title, w.ToString(), Found: false);
    }

    // ---------------------------------------------------------------- data
    private HtmlReportSection Data()
    {
        const string title = "Data summary";
        var inspect = results.Of("inspect").LastOrDefault();
        if (inspect is null)
            return Missing("data", title, "data summary (inspect result)", "xainomaly inspect DATA --out DIR", "xainomaly demo --out DIR");
        var j = inspect.Json;
        var w = new HtmlWriter();
        double? rate = Json.Num(j, "labelRate");
        double rows = Json.Num(j, "rows") ?? 0;
        w.Paragraph($"{Json.Str(j, "file")}: {rows.ToString("N0", Inv)} rows, {Json.Arr(j, "columns")?.Count ?? 0} columns; SHA-256 {Json.Str(j, "sha256") ?? "–"}.");

        w.Element("h3", "Schema");
        var cols = Json.Arr(j, "columns") ?? [];
        w.Table(["column", "role", "type", "min", "max", "mean", "missing", "distinct", "label rate"],
            cols.OfType<JsonObject>().Select(c => (IReadOnlyList<string>)
            [
                Json.Str(c, "name") ?? "", Json.Str(c, "role") ?? "", Json.Str(c, "type") ?? "",
                G(Json.Num(c, "min")), G(Json.Num(c, "max")), G(Json.Num(c, "mean")),
                G(Json.Num(c, "missing")), G(Json.Num(c, "distinct")),
                Json.Num(c, "labelRate") is { } r ? (100 * r).ToString("F2", Inv) + " %" : "",
            ]), new HashSet<int> { 3, 4, 5, 6, 7, 8 }, id: "schema-table");

        w.Element("h3", "Class balance");
        if (rate is { } lr)
        {
            // labelRate = anomalous / rows exactly, so the counts are recovered exactly by rounding.
            long anomalous = (long)Math.Round(lr * rows);
            long normal = (long)rows - anomalous;
            w.Table(["class", "rows", "share"],
                [["normal", normal.ToString("N0", Inv), (100 * (1 - lr)).ToString("F2", Inv) + " %"], ["anomalous", anomalous.ToString("N0", Inv), (100 * lr).ToString("F2", Inv) + " %"]],
                new HashSet<int> { 1, 2 }, id: "class-balance");
        }
        else w.Paragraph("The data has no label column.", "note");

        w.Element("h3", "2-D embedding of the rows");
        if (Json.Obj(j, "embedding") is { } e && Json.Numbers(e["x"]) is { } xs && Json.Numbers(e["y"]) is { } ys && xs.Length == ys.Length && xs.Length > 0)
        {
            var groups = new List<ScatterGroup>();
            if (Json.Numbers(e["labels"]) is { } ls && ls.Length == xs.Length)
            {
                foreach (var (name, cls) in new[] { ("normal", 0.0), ("anomalous", 1.0) })
                {
                    var gx = new List<double>();
                    var gy = new List<double>();
                    for (int i = 0; i < xs.Length; i++) if (ls[i] == cls) { gx.Add(xs[i]); gy.Add(ys[i]); }
                    if (gx.Count > 0) groups.Add(new ScatterGroup(name, gx, gy));
                }
            }
            else groups.Add(new ScatterGroup("rows", xs, ys));
            string method = Json.Str(e, "method") ?? "embedding";
            var chart = new ScatterChart($"{method} of {xs.Length.ToString("N0", Inv)} sampled rows, coloured by label", "t-SNE 1", "t-SNE 2", groups) { Width = 760, Height = 600, MarkerSize = 4 };
            w.Figure(chart, NextId(), $"{method}, perplexity {G(Json.Num(e, "perplexity"))}, {G(Json.Num(e, "iterations"))} iterations, seed {G(Json.Num(e, "seed"))}, on the {G(Json.Num(e, "inputs"))} preprocessed inputs (one-hot + min–max); {G(Json.Num(e, "seconds"))} s.", wide: true);
        }
        else w.Paragraph("No embedding in the inspect result (run inspect with --out DIR and --embedding N > 0).", "note");
        return new HtmlReportSection("data", title, w.ToString());
    }

    // ---------------------------------------------------------------- detection
    private HtmlReportSection Detection()
    {
        const string title = "Detection";
        var trains = results.Of("train");
        var sweeps = results.Of("sweep");
        var evaluations = results.Of("evaluate");
        if (trains.Count == 0 && sweeps.Count == 0 && evaluations.Count == 0)
            return Missing("detection", title, "detection results (train, sweep or evaluate)",
                "xainomaly train --data DATA --model ss-deepcae --labels 100 --out m.xai --results DIR",
                "xainomaly sweep --data DATA --out DIR/sweep", "xainomaly evaluate --model m.xai --data DATA --out DIR");
        var w = new HtmlWriter();
        if (trains.Count > 0)
        {
            w.Element("h3", "Metrics on the held-out test split");
            w.Table(["model", "score", "labels", "threshold τ", "accuracy", "precision", "recall", "F1", "ROC-AUC", "AP", "UAR", "TN / FP / FN / TP", "train s"],
                trains.Select(t =>
                {
                    var m = Json.Obj(t.Json, "test");
                    var c = Json.Obj(m, "confusion");
                    return (IReadOnlyList<string>)
                    [
                        Json.Str(t.Json, "kind") ?? "?", Json.Str(t.Json, "score") ?? "", Json.Str(Json.Obj(t.Json, "training"), "labelBudget") ?? "–",
                        G(Json.Num(t.Json, "threshold")), Json.F4(Json.Num(m, "accuracy")), Json.F4(Json.Num(m, "precision")), Json.F4(Json.Num(m, "recall")),
                        Json.F4(Json.Num(m, "f1")), Json.F4(Json.Num(m, "rocAuc")), Json.F4(Json.Num(m, "averagePrecision")), Json.F4(Json.Num(m, "uar")),
                        c is null ? "–" : $"{G(Json.Num(c, "tn"))} / {G(Json.Num(c, "fp"))} / {G(Json.Num(c, "fn"))} / {G(Json.Num(c, "tp"))}",
                        Json.Num(t.Json, "seconds") is { } s ? s.ToString("F1", Inv) : "–",
                    ];
                }), new HashSet<int> { 3, 4, 5, 6, 7, 8, 9, 10, 12 }, id: "metrics-table");
            DetectionFigures(w, trains);
        }
        if (evaluations.Count > 0)
        {
            w.Element("h3", "Saved models evaluated on labelled data");
            w.Table(["model", "kind", "data", "rows", "accuracy", "F1", "ROC-AUC", "UAR"],
                evaluations.Select(e => (IReadOnlyList<string>)
                [
                    Json.Str(e.Json, "model") ?? "", Json.Str(e.Json, "kind") ?? "", Json.Str(e.Json, "data") ?? "", G(Json.Num(e.Json, "rows")),
                    Json.F4(Json.Num(e.Json, "accuracy")), Json.F4(Json.Num(e.Json, "f1")), Json.F4(Json.Num(e.Json, "rocAuc")), Json.F4(Json.Num(e.Json, "uar")),
                ]), new HashSet<int> { 3, 4, 5, 6, 7 }, id: "evaluate-table");
        }
        foreach (var s in sweeps) Sweep(w, s);
        return new HtmlReportSection("detection", title, w.ToString());
    }

    private void DetectionFigures(HtmlWriter w, IReadOnlyList<ResultFile> trains)
    {
        var roc = new List<NamedCurve>();
        var pr = new List<NamedCurve>();
        var perModel = new List<(string Kind, string Score, int[] Labels, float[] Scores, float[]? Re)>();
        foreach (var t in trains)
        {
            if (Json.Str(t.Json, "scores") is not { } csv || !File.Exists(t.Sibling(csv))) continue;
            var (labels, scores, re) = ResultSet.ReadScores(t.Sibling(csv));
            if (labels.Length == 0 || !labels.Contains(0) || !labels.Contains(1)) continue;
            string kind = Json.Str(t.Json, "kind") ?? "?";
            roc.Add(new NamedCurve(kind, Roc: RocCurve.Compute(labels, scores, dropIntermediate: true)));
            pr.Add(new NamedCurve(kind, PrecisionRecall: PrecisionRecallCurve.Compute(labels, scores)));
            perModel.Add((kind, Json.Str(t.Json, "score") ?? "score", labels, scores, re));
        }
        if (roc.Count > 0)
        {
            w.Element("h3", "ROC and precision–recall curves (test split)");
            w.Open("div", ("class", "figs"));
            w.Figure(CurveChart.Roc("ROC on the test split", roc), NextId());
            w.Figure(CurveChart.PrecisionRecall("Precision–recall on the test split", pr), NextId());
            w.Close();
            w.Element("h3", "Score and reconstruction-error distributions (test split)");
            w.Open("div", ("class", "figs"));
            foreach (var (kind, score, labels, scores, re) in perModel)
            {
                w.Figure(Reporting.DetectionFigures.Distributions($"{kind}: anomaly score", score, scores, labels, logX: false), NextId());
                if (re is not null)
                    w.Figure(Reporting.DetectionFigures.Distributions($"{kind}: reconstruction error (log scale)", "reconstruction error ‖x − x̂‖²", re, labels), NextId());
            }
            w.Close();
        }
        var curves = new List<(string Kind, List<Reporting.DetectionFigures.CurvePoint> Points)>();
        foreach (var t in trains)
        {
            var pts = new List<Reporting.DetectionFigures.CurvePoint>();
            foreach (var h in (Json.Arr(t.Json, "history") ?? []).OfType<JsonObject>())
                if (Json.Num(h, "step") is { } step && Json.Num(h, "loss") is { } loss && double.IsFinite(loss))
                    pts.Add(new(step, loss, Json.Num(h, "validationLoss"), Json.Num(h, "validationAccuracy")));
            if (pts.Count > 1) curves.Add((Json.Str(t.Json, "kind") ?? "?", pts));
        }
        if (curves.Count > 0)
        {
            w.Element("h3", "Training curves");
            w.Open("div", ("class", "figs"));
            foreach (var (kind, pts) in curves)
            {
                w.Figure(Reporting.DetectionFigures.Loss(kind, pts), NextId());
                if (Reporting.DetectionFigures.Accuracy(kind, pts) is { } acc) w.Figure(acc, NextId());
            }
            w.Close();
        }
    }

    private void Sweep(HtmlWriter w, ResultFile sweep)
    {
        var cells = (Json.Arr(sweep.Json, "cells") ?? []).OfType<JsonObject>().ToList();
        if (cells.Count == 0) return;
        w.Element("h3", $"Label-budget sweep ({G(Json.Num(sweep.Json, "seeds"))} seeds per cell) on {Json.Str(sweep.Json, "data")}");
        var models = cells.Select(c => Json.Str(c, "model") ?? "?").Distinct().ToList();
        var budgets = cells.Select(c => Json.Str(c, "budget") ?? "?").Distinct().ToList();
        w.Table(["UAR % (mean ± std)", .. budgets],
            models.Select(m => (IReadOnlyList<string>)[m, .. budgets.Select(b => cells.FirstOrDefault(c => Json.Str(c, "model") == m && Json.Str(c, "budget") == b) is { } c && Json.Obj(c, "uar") is { } u
                ? $"{(100 * (Json.Num(u, "mean") ?? double.NaN)).ToString("F2", Inv)} ± {(100 * (Json.Num(u, "std") ?? double.NaN)).ToString("F2", Inv)}" : "–")]),
            new HashSet<int>(Enumerable.Range(1, budgets.Count)), id: "sweep-table");
        double all = Json.Num(sweep.Json, "allLabels") ?? double.NaN;
        w.Open("div", ("class", "figs"));
        foreach (var (key, name) in new[] { ("uar", "UAR"), ("f1", "F1"), ("roc_auc", "ROC-AUC"), ("accuracy", "accuracy") })
        {
            var series = new List<LineSeries>();
            foreach (var m in models)
            {
                var pts = cells.Where(c => Json.Str(c, "model") == m && Json.Obj(c, key) is not null)
                    .Select(c => (X: Json.Str(c, "budget") == "all" ? all : double.TryParse(Json.Str(c, "budget"), NumberStyles.Float, Inv, out var b) ? b : double.NaN,
                        Mean: Json.Num(Json.Obj(c, key), "mean") ?? double.NaN, Std: Json.Num(Json.Obj(c, key), "std") ?? 0))
                    .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Mean)).OrderBy(p => p.X).ToList();
                if (pts.Count > 0) series.Add(new LineSeries(m, [.. pts.Select(p => p.X)], [.. pts.Select(p => p.Mean)], [.. pts.Select(p => double.IsFinite(p.Std) ? p.Std : 0)]));
            }
            if (series.Count > 0)
                w.Figure(new LineChart($"{name} vs number of labels", "labelled rows", name, series), NextId(), double.IsFinite(all) ? $"mean ± std over seeds; 'all' = {all.ToString("N0", Inv)} labels" : "mean ± std over seeds");
        }
        w.Close();
    }

    // ---------------------------------------------------------------- explanations
    private HtmlReportSection Explanations()
    {
        const string title = "Explanations";
        var explains = results.Of("explain");
        var benches = results.Of("xai-bench");
        if (explains.Count == 0 && benches.Count == 0)
            return Missing("explanations", title, "explanation results (explain or xai-bench)",
                "xainomaly fit-explainer --model m.xai --data DATA --out e.xai",
                "xainomaly explain --model m.xai --data DATA --anomalies --method fastshap-c --explainer e.xai --out DIR",
                "xainomaly xai-bench --model m.xai --data DATA --rows 200 --out DIR");
        var w = new HtmlWriter();
        foreach (var e in explains) Explain(w, e);
        foreach (var b in benches) XaiBench(w, b);
        return new HtmlReportSection("explanations", title, w.ToString());
    }

    private void Explain(HtmlWriter w, ResultFile e)
    {
        var j = e.Json;
        var features = (Json.Arr(j, "features") ?? []).Select(f => f is JsonValue v && v.TryGetValue<string>(out var s) ? s : "?").ToList();
        var rows = (Json.Arr(j, "rows") ?? []).OfType<JsonObject>()
            .Select(r => (Row: r, Values: Json.Numbers(r["values"]))).Where(r => r.Values is { } v && v.Length == features.Count && v.All(double.IsFinite)).ToList();
        string method = Json.Str(j, "method") ?? "?";
        w.Element("h3", $"Explanations by {method}: {rows.Count} rows, {features.Count} features");
        if (Json.Obj(j, "aggregate") is { } agg)
        {
            var scalars = new List<IReadOnlyList<string>>();
            foreach (var (k, v) in agg)
            {
                if (Json.IsScalar(v)) scalars.Add([k, Json.Scalar(v)]);
                else if (v is JsonObject inner)
                    foreach (var (k2, v2) in inner)
                        if (Json.IsScalar(v2)) scalars.Add([$"{k} {k2}", Json.Scalar(v2)]);
            }
            if (scalars.Count > 0) w.Table(["aggregate", "value"], scalars, new HashSet<int> { 1 }, id: "explain-aggregate");
        }
        if (rows.Count == 0 || features.Count == 0) return;
        w.Open("div", ("class", "figs"));
        w.Figure(new ShapSummaryChart($"SHAP summary ({method})", features, [.. rows.Select(r => (IReadOnlyList<double>)r.Values!)]) { Height = 560 }, NextId());
        var meanAbs = new double[features.Count];
        foreach (var (_, v) in rows) for (int k = 0; k < meanAbs.Length; k++) meanAbs[k] += Math.Abs(v![k]) / rows.Count;
        w.Figure(BarChart.Ranked($"Mean |φ| per feature ({method})", "mean |φ|", features, meanAbs, top: 15), NextId());
        w.Close();
        w.Element("h3", "Per-anomaly waterfalls");
        w.Table(["row", "base value", "f(x)", "CS", "EM", "efficiency gap"],
            rows.Select(r => (IReadOnlyList<string>)[G(Json.Num(r.Row, "row")), G(Json.Num(r.Row, "baseValue")), G(Json.Num(r.Row, "output")), G(Json.Num(r.Row, "cs")), G(Json.Num(r.Row, "em")), G(Json.Num(r.Row, "efficiencyGap"))]).Take(50),
            new HashSet<int> { 0, 1, 2, 3, 4, 5 }, id: "explain-rows");
        w.Open("div", ("class", "figs"));
        foreach (var (row, v) in rows.Take(6))
        {
            double baseValue = Json.Num(row, "baseValue") ?? 0;
            string caption = $"row {G(Json.Num(row, "row"))}: f(x) = {G(Json.Num(row, "output"))}, base value {G(baseValue)}"
                + (Json.Num(row, "cs") is { } cs ? $", CS = {G(cs)}" : "") + (Json.Num(row, "em") is { } em ? $", EM = {G(em)}" : "");
            w.Figure(new WaterfallChart($"Row {G(Json.Num(row, "row"))}", features, v!, baseValue), NextId(), caption);
        }
        w.Close();
    }

    /// <summary>The method-comparison columns shown when present (xai-bench writes many more; the JSON has them all).</summary>
    private static readonly string[] XaiColumns =
    [
        "method", "rows", "skipped", "wallMsPerRow", "cpuMsPerRow", "vsExact.cosine", "vsExact.top1", "vsExact.top3AnyOverlap", "vsKernel.cosine", "vsKernel.top1",
        "confidenceScore", "errorMetric", "sensitivity.mean", "exclusionAuc", "inclusionAuc", "exclusionAucFeatures", "inclusionAucFeatures", "exclusionAccuracyAuc", "inclusionAccuracyAuc", "msPerRow",
    ];

    private void XaiBench(HtmlWriter w, ResultFile b)
    {
        w.Element("h3", "Explanation methods compared (xai-bench)");
        var facts = new List<string>();
        foreach (var key in new[] { "kind", "rows", "rowSelection", "background", "features", "reference", "accuracyAgainst", "seed" })
            if (b.Json[key] is JsonValue v) facts.Add($"{key}: {Json.Scalar(v)}");
        if (facts.Count > 0) w.Paragraph(string.Join("; ", facts) + ".", "note");
        // The method table: the first array of objects that name a method.
        var methods = Json.Objects(b.Json).SelectMany(o => o.Select(p => p.Value).OfType<JsonArray>())
            .Select(a => a.OfType<JsonObject>().Where(x => Json.Str(x, "method") is not null).ToList()).FirstOrDefault(l => l.Count > 0) ?? [];
        if (methods.Count > 0)
        {
            var (headers, cells, numeric) = Json.Flatten(methods);
            var keep = XaiColumns.Where(headers.Contains).Select(h => headers.IndexOf(h)).ToList();
            if (keep.Count < 3) keep = [.. Enumerable.Range(0, headers.Count)];
            w.Table([.. keep.Select(i => headers[i])], cells.Select(r => (IReadOnlyList<string>)[.. keep.Select(i => r[i])]),
                new HashSet<int>(keep.Select((c, i) => (c, i)).Where(p => numeric.Contains(p.c)).Select(p => p.i)), id: "xai-bench-table");
        }
        // Exclusion / inclusion curves: per method, κ and accuracy arrays on the method object or one level below it.
        var curves = new List<(string Method, JsonObject Curve)>();
        foreach (var m in methods)
        {
            string name = Json.Str(m, "method")!;
            if (Json.Numbers(m["kappa"]) is not null) curves.Add((name, m));
            foreach (var (_, v) in m)
                if (v is JsonObject inner && Json.Numbers(inner["kappa"]) is not null) curves.Add((name, inner));
        }
        if (curves.Count == 0)
            curves.AddRange(Json.Objects(b.Json).Where(o => Json.Numbers(o["kappa"]) is not null).Select((o, i) => (Json.Str(o, "method") ?? $"method {i + 1}", o)));
        if (curves.Count == 0) return;
        w.Open("div", ("class", "figs"));
        foreach (var (key, name) in new[] { ("exclusionAccuracy", "Exclusion curve: accuracy with the top-κ features removed"), ("inclusionAccuracy", "Inclusion curve: accuracy with only the top-κ features kept") })
        {
            var series = new List<LineSeries>();
            foreach (var (method, o) in curves)
                if (Json.Numbers(o["kappa"]) is { } k && Json.Numbers(o[key]) is { } y && y.Length == k.Length && y.Length > 1)
                    series.Add(new LineSeries(method, k, y));
            if (series.Count > 0) w.Figure(new LineChart(name, "κ (share of features)", "detection accuracy", series) { YRange = (0, 1) }, NextId());
        }
        w.Close();
    }

    // ---------------------------------------------------------------- robustness
    private HtmlReportSection Robustness()
    {
        const string title = "Robustness";
        var matrices = results.Of("robustness");
        var attacks = results.Of("attack");
        var harden = results.Of("harden");
        if (matrices.Count == 0 && attacks.Count == 0 && harden.Count == 0)
            return Missing("robustness", title, "robustness results (attack, harden or robustness)",
                "xainomaly robustness --data DATA --models ss-deepcae,mlp --attacks fgsm,jsma --epsilons 0.05,0.1 --out DIR",
                "xainomaly attack --model m.xai --data DATA --method fgsm --epsilon 0.1 --out adv.csv --json > DIR/attack.json");
        var w = new HtmlWriter();
        foreach (var m in matrices)
        {
            var cells = Json.Objects(m.Json).SelectMany(o => o.Select(p => p.Value).OfType<JsonArray>())
                .Select(a => a.OfType<JsonObject>().Where(x => Json.Num(x, "cleanAccuracy") is not null).ToList()).FirstOrDefault(l => l.Count > 0) ?? [];
            if (cells.Count == 0) continue;
            w.Element("h3", "Accuracy clean, under attack and after adversarial training");
            var names = cells.Select(CellName).ToList();
            var series = new List<BarSeries>
            {
                new("clean", [.. cells.Select(c => Json.Num(c, "cleanAccuracy") ?? 0)]),
                new("under attack", [.. cells.Select(c => Json.Num(c, "attackAccuracy") ?? 0)]),
            };
            if (cells.All(c => Json.Num(c, "hardenedAttackAccuracy") is not null))
                series.Add(new BarSeries("hardened, under attack", [.. cells.Select(c => Json.Num(c, "hardenedAttackAccuracy")!.Value)]));
            w.Figure(new BarChart("Accuracy before and after attack, and after defence", "", "accuracy (test split)", names, series, horizontal: true)
            { Width = 900, Height = Math.Clamp(140 + 60 * cells.Count, 300, 1400) }, NextId(), wide: true);
            var flat = cells.Select(c =>
            {
                var copy = (JsonObject)c.DeepClone();
                copy.Remove("affected");
                return copy;
            });
            var (headers, rows, numeric) = Json.Flatten(flat);
            w.Table(headers, rows, numeric, caption: "The robustness matrix", id: "robustness-table");
            foreach (var (c, name) in cells.Zip(names)) Affected(w, Json.Obj(c, "affected"), name);
        }
        foreach (var a in attacks.Concat(harden)) AttackResult(w, a);
        return new HtmlReportSection("robustness", title, w.ToString());
    }

    private static string CellName(JsonObject c)
    {
        var attack = Json.Obj(c, "attack");
        string method = Json.Str(attack, "method") ?? Json.Str(c, "attack") ?? "attack";
        double? eps = Json.Num(attack, "epsilon") ?? Json.Num(c, "epsilon");
        return $"{Json.Str(c, "kind") ?? "?"} · {method}" + (eps is { } e ? $" ε={G(e)}" : "");
    }

    /// <summary>
    /// An attack or harden result: its settings, every metrics object in it (e.g. before/after) as a table and bars,
    /// and the affected features.
    /// </summary>
    private void AttackResult(HtmlWriter w, ResultFile a)
    {
        var j = a.Json;
        var attack = Json.Obj(j, "attack");
        string what = attack is null ? a.Command : $"{Json.Str(attack, "method")} ε={G(Json.Num(attack, "epsilon"))}";
        w.Element("h3", $"{a.Command}: {Json.Str(j, "kind") ?? "model"}, {what} ({Path.GetFileName(a.Path)})");
        var scalars = j.Where(p => Json.IsScalar(p.Value) && p.Key != "command").ToList();
        if (scalars.Count > 0) w.Table(["figure", "value"], scalars.Select(p => (IReadOnlyList<string>)[p.Key, Json.Scalar(p.Value)]), new HashSet<int> { 1 });
        var metricObjects = new List<(string Path, JsonObject Metrics)>();
        Collect(j, "", metricObjects);
        if (metricObjects.Count > 0)
        {
            string[] keys = ["accuracy", "uar", "precision", "recall", "f1"];
            w.Table(["", .. keys], metricObjects.Select(m => (IReadOnlyList<string>)[m.Path, .. keys.Select(k => Json.F4(Json.Num(m.Metrics, k)))]), new HashSet<int> { 1, 2, 3, 4, 5 });
            var shown = new[] { ("accuracy", "accuracy"), ("uar", "UAR"), ("f1", "F1") }.Where(k => metricObjects.All(m => Json.Num(m.Metrics, k.Item1) is not null)).ToList();
            if (shown.Count > 0)
                w.Figure(new BarChart($"{a.Command}: {what}", "", "test split", [.. shown.Select(k => k.Item2)],
                    [.. metricObjects.Select(m => new BarSeries(m.Path, [.. shown.Select(k => Json.Num(m.Metrics, k.Item1)!.Value)]))]), NextId());
        }
        if (j["affectedFeatures"] is JsonArray list) Affected(w, list, Json.Obj(j, "affected"), $"{Json.Str(j, "kind")} · {what}");
        else if (Json.Obj(j, "affected") is { } aff) Affected(w, Json.Arr(aff, "features"), aff, $"{Json.Str(j, "kind")} · {what}");
    }

    private static void Collect(JsonObject o, string path, List<(string, JsonObject)> found)
    {
        foreach (var (k, v) in o)
        {
            if (v is not JsonObject inner) continue;
            string p = path.Length == 0 ? k : path + " " + k;
            if (Json.Num(inner, "accuracy") is not null) found.Add((p, inner));
            else Collect(inner, p, found);
        }
    }

    private void Affected(HtmlWriter w, JsonObject? affected, string name) => Affected(w, Json.Arr(affected, "features"), affected, name);

    private void Affected(HtmlWriter w, JsonArray? list, JsonObject? summary, string name)
    {
        var features = (list ?? []).OfType<JsonObject>().ToList();
        if (features.Count == 0) return;
        w.Element("h3", $"Affected features next to the SHAP ranking: {name}");
        var top = features.Take(12).ToList();
        w.Table(["attack rank", "feature", "rows changed", "mean |Δ| (physical)", "unit", "mean |φ|", "SHAP rank"],
            top.Select(f => (IReadOnlyList<string>)[G(Json.Num(f, "rank")), Json.Str(f, "name") ?? Json.Str(f, "feature") ?? "?", G(Json.Num(f, "rowsChanged")), G(Json.Num(f, "meanAbsDeltaPhysical")), Json.Str(f, "unit") ?? "", G(Json.Num(f, "meanAbsShap")), G(Json.Num(f, "shapRank"))]),
            new HashSet<int> { 0, 2, 3, 5, 6 });
        if (Json.Num(summary, "spearmanWithShap") is { } rho) w.Paragraph($"Spearman rank correlation of the attack's ranking with mean |φ| ({Json.Str(summary, "shapMethod") ?? "SHAP"}): {G(rho)}.", "note");
    }

    // ---------------------------------------------------------------- provenance
    private HtmlReportSection Provenance()
    {
        const string title = "How it was made";
        var w = new HtmlWriter();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var r in results.All)
        {
            var run = Json.Obj(r.Json, "run");
            string seed = G(Json.Num(Json.Obj(r.Json, "training"), "seed") ?? Json.Num(r.Json, "seed") ?? Json.Num(Json.Obj(r.Json, "embedding"), "seed"));
            string sha = Json.Str(r.Json, "sha256") ?? Json.Str(Json.Obj(r.Json, "training"), "dataSha256") ?? Json.Str(r.Json, "dataSha256") ?? "–";
            string seconds = G(Json.Num(r.Json, "seconds") ?? Json.Num(Json.Obj(r.Json, "embedding"), "seconds"));
            rows.Add([r.Command, Path.GetRelativePath(results.Directory, r.Path), Json.Str(run, "commandLine") ?? "–", seed, sha.Length > 16 ? sha[..16] + "…" : sha, seconds, Json.Str(run, "utc") ?? "–"]);
        }
        if (rows.Count == 0)
        {
            w.Open("div", ("class", "missing-results")).Text("No result files found under " + results.Directory + ".").Close();
            return new HtmlReportSection("provenance", title, w.ToString(), Found: false);
        }
        w.Element("h3", "Results and the commands that made them");
        w.Table(["command", "result file", "command line", "seed", "data SHA-256", "seconds", "UTC"], rows, new HashSet<int> { 3, 5 }, id: "provenance-table");
        var versions = results.All.Select(r => Json.Obj(r.Json, "run")).Where(r => r is not null)
            .Select(r => $"{Json.Str(r, "version")}|{Json.Str(r, "dotnet")}|{Json.Str(r, "os")}|{Json.Scalar(r!["processors"])}").Distinct().ToList();
        if (versions.Count > 0)
        {
            w.Element("h3", "Versions");
            w.Table(["xainomaly", ".NET", "OS", "processors"], versions.Select(v => (IReadOnlyList<string>)v.Split('|')), new HashSet<int> { 3 }, id: "versions-table");
        }
        if (results.Of("demo").LastOrDefault() is { } demo && Json.Arr(demo.Json, "steps") is { } steps)
        {
            w.Element("h3", "Demo timings");
            double prev = 0;
            w.Table(["step", "seconds", "finished at (s)"], steps.OfType<JsonObject>().Select(s =>
            {
                double at = Json.Num(s, "atSeconds") ?? 0;
                var row = (IReadOnlyList<string>)[Json.Str(s, "step") ?? "?", (at - prev).ToString("F1", Inv), at.ToString("F1", Inv)];
                prev = at;
                return row;
            }).ToList(), new HashSet<int> { 1, 2 }, id: "demo-timings");
        }
        w.Paragraph($"Report made {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Inv)} UTC by xainomaly {Output.ResultFiles.ProductVersion} from {results.All.Count} result files under {results.Directory}" + (results.Skipped > 0 ? $" ({results.Skipped} other JSON files skipped)." : "."), "note");
        return new HtmlReportSection("provenance", title, w.ToString());
    }

    private static string G(double? v) => v is { } x ? x.ToString("G6", Inv) : "–";
}
