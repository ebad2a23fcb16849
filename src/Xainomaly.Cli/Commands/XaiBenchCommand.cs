using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Spectre.Console;

using Xainomaly.Cli.Output;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Explanation;
using Xainomaly.Explanation.Metrics;
using Xainomaly.Reporting;

namespace Xainomaly.Cli.Commands;

/// <summary>
/// <c>xainomaly xai-bench</c>: every explanation method side by side on the same rows — fidelity to exact Shapley,
/// agreement, CS/EM, sensitivity, exclusion/inclusion areas, log-odds and cost (the paper's Tables VII–IX).
/// </summary>
internal static class XaiBenchCommand
{
    /// <summary>Methods the command knows, in report order.</summary>
    public static readonly string[] KnownMethods = ["exact", "permutation", "kernel", "fastshap", "fastshap-c"];

    private static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliHost host)
    {
        var modelPath = new Option<string>("--model") { Description = "Model file written by 'xainomaly train'.", Required = true };
        var data = new Option<string>("--data") { Description = "KPI data (CSV or UE report JSON). Labels, when present, score the exclusion/inclusion curves.", Required = true };
        var rowsOption = new Option<int>("--rows") { Description = "Rows explained by every method.", DefaultValueFactory = _ => 100 };
        var outDir = new Option<string>("--out") { Description = "Directory for xai-bench.json and xai-bench.md.", Required = true };
        var methodsOption = new Option<string[]>("--methods")
        {
            Description = "Methods to compare (comma-separated): exact, permutation, kernel, fastshap, fastshap-c. Default: exact,permutation,kernel, plus fastshap,fastshap-c with --explainer.",
            AllowMultipleArgumentsPerToken = true,
        };
        var explainerPath = new Option<string?>("--explainer") { Description = "FastSHAP explainer file written by 'xainomaly fit-explainer' (needed for fastshap and fastshap-c)." };
        var backgroundOption = new Option<int>("--background") { Description = "Background rows (a seeded sample of the training rows) of the value function every method explains against.", DefaultValueFactory = _ => 100 };
        var exactRowsOption = new Option<int?>("--exact-rows") { Description = "Rows (the first ones) explained exactly and used for fidelity to exact; exact costs 2^d × background model rows per row. Default: all --rows." };
        var exactMax = new Option<int>("--exact-max-features") { Description = "Largest d exact Shapley values accept (20 by default; up to 26 with few --exact-rows and a small --background).", DefaultValueFactory = _ => 20 };
        var kernelBudget = new Option<int?>("--kernel-budget") { Description = "KernelSHAP coalitions per row (default 2·d + 2048, the reference default)." };
        var permutations = new Option<int>("--permutations") { Description = "Permutations per row of permutation sampling (antithetic pairs).", DefaultValueFactory = _ => 20 };
        var referenceBudget = new Option<int>("--reference-budget") { Description = "KernelSHAP budget of the stand-in reference when exact is impossible (d > 20).", DefaultValueFactory = _ => 65_536 };
        var sensitivityRows = new Option<int>("--sensitivity-rows") { Description = "Rows (the first ones) whose sensitivity is measured; each needs --sensitivity-samples re-explanations.", DefaultValueFactory = _ => 10 };
        var sensitivitySamples = new Option<int>("--sensitivity-samples") { Description = "Perturbed rows per row in the sensitivity ε-ball.", DefaultValueFactory = _ => 4 };
        var epsilon = new Option<double>("--epsilon") { Description = "Radius ε of the sensitivity ball (L∞, scaled feature units).", DefaultValueFactory = _ => 0.05 };
        var csCoalitions = new Option<int>("--coalitions") { Description = "Coalitions n for fastSHAP-C's CS and EM.", DefaultValueFactory = _ => 32 };
        var seed = CliHost.SeedOption();
        var removal = new Option<string>("--removal")
        {
            Description = "How removed features are filled for exclusion/inclusion curves and log-odds: 'background' (the expectation over every background row, as in the value function; default) or 'mean' (the background's mean row).",
            DefaultValueFactory = _ => "background",
        };
        removal.AcceptOnlyFromAmong("mean", "background");
        var plots = new Option<string?>("--plots") { Description = "Directory for the exclusion and inclusion curves per method (paper Fig. 9), PNG and SVG." };
        var json = CliHost.JsonOption();
        var dataOptions = new DataOptions();
        var command = new Command("xai-bench",
            "Compare explanation methods on the same rows: fidelity to exact Shapley (MAE, cosine), top-1/top-3 agreement with exact and KernelSHAP, " +
            "fastSHAP-C's CS/EM, sensitivity, exclusion/inclusion curves and areas, log-odds, and cost per row (wall, CPU, memory). " +
            "Rows: the model's own test split when --data is the file it was trained on, else a seeded sample.");
        foreach (var o in new Option[] { modelPath, data, rowsOption, outDir, methodsOption, explainerPath, backgroundOption, exactRowsOption, exactMax, kernelBudget, permutations, referenceBudget, sensitivityRows, sensitivitySamples, epsilon, csCoalitions, removal, seed, plots, json })
            command.Options.Add(o);
        dataOptions.AddTo(command);
        host.SetAction(command, json, (parse, console) =>
        {
            var settings = new Settings(
                parse.GetValue(rowsOption), parse.GetValue(backgroundOption), parse.GetValue(exactRowsOption), parse.GetValue(exactMax), parse.GetValue(kernelBudget),
                parse.GetValue(permutations), parse.GetValue(referenceBudget), parse.GetValue(sensitivityRows), parse.GetValue(sensitivitySamples),
                parse.GetValue(epsilon), parse.GetValue(csCoalitions), parse.GetValue(removal) ?? "background", parse.GetValue(seed));
            settings.Check();
            var methods = ParseMethods(parse.GetValue(methodsOption), parse.GetValue(explainerPath) is not null);
            var explainerFile = parse.GetValue(explainerPath);
            if (explainerFile is null && (methods.Contains("fastshap") || methods.Contains("fastshap-c")))
                throw new UsageException("--methods fastshap and fastshap-c need --explainer FILE (train one with 'xainomaly fit-explainer').");
            if (explainerFile is not null && !File.Exists(explainerFile)) throw new FileNotFoundException($"{explainerFile}: file not found.", explainerFile);

            string model = parse.GetValue(modelPath)!, path = parse.GetValue(data)!, dir = parse.GetValue(outDir)!;
            var plotDir = parse.GetValue(plots);
            var detectorModel = DetectorModel.Load(model);
            var table = KpiTableReader.Read(path, dataOptions.Read(parse));
            var bench = new Bench(console, detectorModel, table, path, settings, methods, explainerFile);
            var result = bench.Run();
            result["model"] = model;
            result["data"] = path;

            Directory.CreateDirectory(dir);
            var files = new JsonArray();
            if (plotDir is not null)
            {
                foreach (var f in bench.Plot(plotDir)) files.Add(f);
            }
            string md = Path.Combine(dir, "xai-bench.md");
            File.WriteAllText(md, bench.Markdown(result, CommandLine(parse, model, path)));
            files.Add(md);
            string jsonPath = Path.Combine(dir, "xai-bench.json");
            files.Add(jsonPath);
            result["files"] = files;
            File.WriteAllText(jsonPath, result.ToJsonString(FileJson));

            bench.PrintTables(result);
            console.Result($"Written to [bold]{Markup.Escape(jsonPath)}[/] and [bold]{Markup.Escape(md)}[/]");
            console.WriteJson(result);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The method list: comma-separated or repeated; unknown names are a usage error.</summary>
    internal static List<string> ParseMethods(string[]? given, bool haveExplainer)
    {
        if (given is null || given.Length == 0)
            return haveExplainer ? [.. KnownMethods] : ["exact", "permutation", "kernel"];
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in given)
        {
            foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = part.ToLowerInvariant();
                if (Array.IndexOf(KnownMethods, name) < 0)
                    throw new UsageException($"--methods: unknown method '{part}'; expected some of {string.Join(", ", KnownMethods)}.");
                wanted.Add(name);
            }
        }
        if (wanted.Count == 0) throw new UsageException($"--methods is empty; expected some of {string.Join(", ", KnownMethods)}.");
        return [.. KnownMethods.Where(wanted.Contains)];
    }

    private static string CommandLine(ParseResult parse, string model, string data)
    {
        var args = parse.Tokens.Select(t => t.Value).ToList();
        return "xainomaly " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
    }

    /// <summary>Numeric settings, checked together so that every mistake names its flag.</summary>
    internal sealed record Settings(int Rows, int Background, int? ExactRows, int ExactMaxFeatures, int? KernelBudget, int Permutations, int ReferenceBudget,
        int SensitivityRows, int SensitivitySamples, double Epsilon, int Coalitions, string Removal, long Seed)
    {
        public void Check()
        {
            if (Rows < 1) throw new UsageException($"--rows must be ≥ 1 (got {Rows}).");
            if (Background < 1) throw new UsageException($"--background must be ≥ 1 (got {Background}).");
            if (ExactRows is < 1) throw new UsageException($"--exact-rows must be ≥ 1 (got {ExactRows}).");
            if (ExactMaxFeatures is < 1 or > 26) throw new UsageException($"--exact-max-features must be in 1..26 (got {ExactMaxFeatures}).");
            if (KernelBudget is < 1) throw new UsageException($"--kernel-budget must be ≥ 1 (got {KernelBudget}).");
            if (Permutations < 1) throw new UsageException($"--permutations must be ≥ 1 (got {Permutations}).");
            if (ReferenceBudget < 1) throw new UsageException($"--reference-budget must be ≥ 1 (got {ReferenceBudget}).");
            if (SensitivityRows < 0) throw new UsageException($"--sensitivity-rows must be ≥ 0 (got {SensitivityRows}).");
            if (SensitivitySamples < 1) throw new UsageException($"--sensitivity-samples must be ≥ 1 (got {SensitivitySamples}).");
            if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new UsageException($"--epsilon must be a finite value > 0 (got {Epsilon}).");
            if (Coalitions < 1) throw new UsageException($"--coalitions must be ≥ 1 (got {Coalitions}).");
        }
    }

    /// <summary>One method's run and measurements.</summary>
    private sealed class MethodResult(string method)
    {
        public string Method { get; } = method;

        public ExplanationSet? Set { get; set; }

        public ExplainerCost? Cost { get; set; }

        public AgreementResult? VsExact { get; set; }

        public AgreementResult? VsKernel { get; set; }

        public SensitivityResult? Sensitivity { get; set; }

        public RemovalCurveResult? Curves { get; set; }

        public string? Skipped { get; set; }
    }

    /// <summary>The benchmark's state: data, value functions and the results per method.</summary>
    private sealed class Bench
    {
        private readonly CliConsole _console;
        private readonly DetectorModel _model;
        private readonly KpiTable _table;
        private readonly string _path;
        private readonly Settings _s;
        private readonly List<string> _methods;
        private readonly string? _explainerFile;
        private readonly List<MethodResult> _results = [];
        private readonly List<string> _notes = [];
        private IReadOnlyList<string> _names = [];
        private FastShapExplainer? _fast;

        public Bench(CliConsole console, DetectorModel model, KpiTable table, string path, Settings settings, List<string> methods, string? explainerFile)
        {
            _console = console;
            _model = model;
            _table = table;
            _path = path;
            _s = settings;
            _methods = methods;
            _explainerFile = explainerFile;
        }

        public JsonObject Run()
        {
            var detector = _model.Detector;
            int d = detector.InputWidth;
            _names = _model.InputFeatureNames;
            var x = _model.Inputs(_table, out _);
            int[]? labels = _table.LabelColumn is null ? null : _table.Labels();
            var (rows, pool, selection) = SelectRows(labels);
            int n = rows.Length;
            if (n == 0) throw new DataFormatException(_path, "no rows to explain; expected at least one data row.");
            var explained = Gather(x, d, rows);
            int[]? rowLabels = labels is null ? null : [.. rows.Select(r => labels[r])];
            var poolRows = new float[pool.Length * d];
            for (int i = 0; i < pool.Length; i++) x.AsSpan(pool[i] * d, d).CopyTo(poolRows.AsSpan(i * d, d));
            // With a FastSHAP explainer every method explains its output over its background, so that all of them
            // estimate the same Shapley values; otherwise the anomaly score over a seeded sample of the training rows.
            ExplainerModel? fast = _explainerFile is null ? null : ExplainerModel.Load(_explainerFile, _model);
            BackgroundSet background;
            IModelFunction explainedModel;
            if (fast is not null)
            {
                background = fast.Explainer.Background;
                explainedModel = ExplainerModel.ModelFunctionFor(_model, fast.Output);
                _notes.Add($"every method explains the FastSHAP explainer's output ({explainedModel.Description}) over its background of {background.Count} rows; --background is not used");
            }
            else
            {
                background = BackgroundSet.Sample(poolRows, d, _s.Background, _s.Seed);
                explainedModel = ModelFunction.FromDetector(detector);
            }
            _fast = fast?.Explainer;
            var score = new ValueFunction(explainedModel, background, _names);
            var probabilityModel = AnomalyProbability.FromDetector(detector, poolRows, pool.Length);
            // Curves and log-odds fill removed features from their own background: the mean row, or every row. Their
            // accuracy is always the detector's decision (score > τ), whatever output the methods explain.
            var removalBackground = _s.Removal == "mean" ? MeanRow(background) : background;
            var removedScore = new ValueFunction(ModelFunction.FromDetector(detector), removalBackground, _names);
            var probability = new ValueFunction(probabilityModel, removalBackground, _names);
            int exactRows = Math.Min(n, _s.ExactRows ?? n);
            _console.Note($"{n} rows ({selection}), {d} features, background {background.Count} rows; explained output: {score.Model.Description}");

            AgreementResult? kernelTarget = null;
            ExplanationSet? reference = null;
            string? referenceName = null;
            foreach (var method in _methods)
            {
                var r = new MethodResult(method);
                _results.Add(r);
                if (method == "exact" && d > _s.ExactMaxFeatures)
                {
                    r.Skipped = $"exact Shapley values refuse d = {d} > {_s.ExactMaxFeatures} features; fidelity is measured against KernelSHAP with {_s.ReferenceBudget:N0} coalitions per row instead";
                    _notes.Add(r.Skipped);
                    var big = new KernelShapExplainer(score, new KernelShapOptions(_s.ReferenceBudget, _s.Seed));
                    reference = Relabel(_console.Progress($"kernel reference ({big.Budget:N0} coalitions)", 1, _ => big.Explain(explained.AsSpan(0, exactRows * d), exactRows)), "kernel-reference");
                    referenceName = "kernel-reference";
                    continue;
                }
                Func<double[], int, ExplanationSet> explain = Explainer(method, score);
                int count = method == "exact" ? exactRows : n;
                var rowsOf = explained.AsSpan(0, count * d).ToArray();
                var (set, cost) = _console.Progress($"{method}: explaining {count} rows", 1, _ => ExplainerCost.Measure(count, () => explain(rowsOf, count)));
                r.Set = set;
                r.Cost = cost;
                if (method == "exact")
                {
                    reference = set;
                    referenceName = "exact";
                }
                if (method != "exact" && _s.SensitivityRows > 0)
                {
                    var options = new SensitivityOptions(_s.Epsilon, _s.SensitivitySamples, SensitivityNorm.LInfinity, _s.Seed, _s.SensitivityRows);
                    r.Sensitivity = _console.Progress($"{method}: sensitivity", 1, _ => ExplanationSensitivity.Measure(explain, set, options));
                }
                r.Curves = RemovalCurves.Measure(set, removedScore, detector.Threshold, rowLabels is null ? null : rowLabels[..set.Count], probability);
            }
            // Agreement once every set exists (the reference may come after a method in the list).
            var kernel = _results.FirstOrDefault(m => m.Method == "kernel")?.Set;
            foreach (var r in _results)
            {
                if (r.Set is null) continue;
                if (reference is not null && !ReferenceEquals(r.Set, reference))
                    r.VsExact = ExplanationAgreement.Compare(Head(r.Set, reference.Count), reference);
                if (kernel is not null && !ReferenceEquals(r.Set, kernel))
                {
                    int m = Math.Min(r.Set.Count, kernel.Count);
                    r.VsKernel = ExplanationAgreement.Compare(Head(r.Set, m), Head(kernel, m));
                }
                if (r.Method == "kernel") kernelTarget = r.VsExact;
            }
            var logOdds = LogOdds.PerFeature(probability, explained, n);

            var result = new JsonObject
            {
                ["command"] = "xai-bench",
                ["kind"] = _model.Info.Kind,
                ["rows"] = n,
                ["rowSelection"] = selection,
                ["exactRows"] = exactRows,
                ["background"] = background.Count,
                ["features"] = d,
                ["featureNames"] = new JsonArray([.. _names.Select(f => (JsonNode?)f)]),
                ["explainedOutput"] = score.Model.Description,
                ["threshold"] = detector.Threshold,
                ["probability"] = probabilityModel.Description,
                ["removal"] = _s.Removal == "mean" ? "mean: removed features take the background's mean" : "background: the expectation over the background rows (the value function)",
                ["accuracyAgainst"] = labels is null ? "the model's decisions on the unmasked rows (no labels in the data)" : "labels",
                ["reference"] = referenceName,
                ["seed"] = _s.Seed,
                ["sensitivity"] = new JsonObject { ["rows"] = Math.Min(_s.SensitivityRows, n), ["samples"] = _s.SensitivitySamples, ["epsilon"] = _s.Epsilon, ["norm"] = "L∞" },
                ["methods"] = new JsonArray([.. _results.Select(MethodJson)]),
                ["logOdds"] = new JsonArray([.. Enumerable.Range(0, d).Select(j => (JsonNode)new JsonObject { ["feature"] = _names[j], ["value"] = Num(logOdds[j]) })]),
            };
            if (kernelTarget is not null)
            {
                result["kernelFidelityTarget"] = new JsonObject
                {
                    ["relativeL1Error"] = Num(kernelTarget.RelativeL1Error),
                    ["target"] = 0.02,
                    ["met"] = kernelTarget.RelativeL1Error <= 0.02,
                    ["definition"] = "Σ|φ_kernel − φ_ref| / Σ|φ_ref| over the compared rows: the mean per-row L1 error as a share of mean Σ|φ|",
                };
            }
            result["notes"] = new JsonArray([.. _notes.Select(s => (JsonNode?)s)]);
            return result;
        }

        private Func<double[], int, ExplanationSet> Explainer(string method, ValueFunction v)
        {
            if (method == "fastshap") return (rows, count) => _fast!.Explain(rows, count);
            if (method == "fastshap-c") return (rows, count) => _fast!.ExplainWithConfidence(rows, count, _s.Coalitions, _s.Seed);
            IShapleyExplainer explainer = method switch
            {
                "exact" => new ExactShapleyExplainer(v, new ExactShapleyOptions(MaxFeatures: _s.ExactMaxFeatures)),
                "permutation" => new PermutationExplainer(v, new PermutationExplainerOptions(_s.Permutations, _s.Seed)),
                "kernel" => new KernelShapExplainer(v, new KernelShapOptions(_s.KernelBudget, _s.Seed)),
                _ => throw new UsageException($"--methods: unknown method '{method}'."),
            };
            return (rows, count) => explainer.Explain(rows, count);
        }

        /// <summary>
        /// The model's own test split (first N rows of it) when the data is the file the model was trained on (same
        /// SHA-256) with labels; else a seeded sample of N rows. The background comes from the other rows.
        /// </summary>
        private (int[] Rows, int[] Pool, string Selection) SelectRows(int[]? labels)
        {
            var training = _model.Info.Training;
            string? sha = training["dataSha256"]?.GetValue<string>();
            double testFraction = training["testFraction"]?.GetValue<double>() ?? 0;
            if (labels is not null && sha is not null && testFraction > 0 && training["splitSeed"] is { } splitSeed
                && string.Equals(sha, TrainCommand.Sha256(_path), StringComparison.OrdinalIgnoreCase))
            {
                var split = DataSplits.StratifiedTrainTest(labels, testFraction, splitSeed.GetValue<long>());
                var test = split.Test.Order().ToArray();
                int take = Math.Min(_s.Rows, test.Length);
                if (take < _s.Rows) _notes.Add($"the test split has only {test.Length} rows; explaining all of them");
                return (test[..take], split.Train, $"the first {take} rows of the model's test split (split seed {splitSeed}, {testFraction:P0} test)");
            }
            int total = _table.RowCount;
            var order = new Numerics.Rng(_s.Seed).Permutation(total);
            int n = Math.Min(_s.Rows, total);
            if (n < _s.Rows) _notes.Add($"the data has only {total} rows; explaining all of them");
            var chosen = order[..n].Order().ToArray();
            var rest = order[n..];
            if (rest.Length == 0) rest = order; // explaining every row: the background is drawn from them too
            return (chosen, rest, $"a seeded sample of {n} rows (seed {_s.Seed}); the data is not the model's training file, so its test split is unknown");
        }

        private static BackgroundSet MeanRow(BackgroundSet b)
        {
            var mean = new double[b.Width];
            for (int i = 0; i < b.Count; i++)
                for (int j = 0; j < b.Width; j++) mean[j] += b.Weights[i] * b.Rows[i * b.Width + j];
            return BackgroundSet.FromRows(mean, b.Width);
        }

        private static double[] Gather(float[] x, int d, int[] rows)
        {
            var o = new double[rows.Length * d];
            for (int i = 0; i < rows.Length; i++)
                for (int j = 0; j < d; j++) o[i * d + j] = x[rows[i] * d + j];
            return o;
        }

        private static ExplanationSet Relabel(ExplanationSet s, string method) => s with { Method = method };

        /// <summary>The first <paramref name="count"/> rows of a set.</summary>
        private static ExplanationSet Head(ExplanationSet s, int count)
        {
            if (count >= s.Count) return s;
            int d = s.Width;
            return s with
            {
                Count = count,
                BaseValues = s.BaseValues[..count],
                Outputs = s.Outputs[..count],
                Values = s.Values[..(count * d)],
                Data = s.Data[..(count * d)],
                ConfidenceScores = s.ConfidenceScores?[..count],
                ErrorMetrics = s.ErrorMetrics?[..count],
                EfficiencyGaps = s.EfficiencyGaps?[..count],
            };
        }

        private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

        private static JsonNode? Num(double? v) => v is { } x ? Num(x) : null;

        private static JsonObject? AgreementJson(AgreementResult? a) => a is null ? null : new JsonObject
        {
            ["reference"] = a.Reference,
            ["rows"] = a.Rows,
            ["top1"] = Num(a.Top1),
            ["top3SameSet"] = Num(a.Top3SameSet),
            ["top3AnyOverlap"] = Num(a.Top3AnyOverlap),
            ["top3Jaccard"] = Num(a.Top3Jaccard),
            ["meanAbsoluteError"] = Num(a.MeanAbsoluteError),
            ["relativeL1Error"] = Num(a.RelativeL1Error),
            ["cosine"] = Num(a.MeanCosine),
        };

        private static double? Mean(double[]? v)
        {
            if (v is null || v.Length == 0) return null;
            double s = 0;
            foreach (var x in v) s += x;
            return s / v.Length;
        }

        private static double? MeanAbs(double[]? v)
        {
            if (v is null || v.Length == 0) return null;
            double s = 0;
            foreach (var x in v) s += Math.Abs(x);
            return s / v.Length;
        }

        private static JsonNode MethodJson(MethodResult r)
        {
            var o = new JsonObject { ["method"] = r.Method };
            if (r.Set is null)
            {
                o["skipped"] = r.Skipped;
                return o;
            }
            var c = r.Cost!;
            o["rows"] = r.Set.Count;
            o["wallSeconds"] = Num(c.Wall.TotalSeconds);
            o["wallMsPerRow"] = Num(c.WallMsPerRow);
            o["cpuSeconds"] = Num(c.Cpu.TotalSeconds);
            o["cpuMsPerRow"] = Num(c.CpuMsPerRow);
            o["allocatedBytesPerRow"] = Num(c.AllocatedBytesPerRow);
            o["peakWorkingSetGrowthBytes"] = c.PeakWorkingSetGrowth;
            o["modelEvaluationsPerRow"] = Num((double)r.Set.ModelEvaluations / Math.Max(1, r.Set.Count));
            o["meanAbsEfficiencyGap"] = Num(MeanAbs(r.Set.EfficiencyGaps));
            o["confidenceScore"] = Num(Mean(r.Set.ConfidenceScores));
            o["errorMetric"] = Num(Mean(r.Set.ErrorMetrics));
            o["vsExact"] = AgreementJson(r.VsExact);
            o["vsKernel"] = AgreementJson(r.VsKernel);
            o["sensitivity"] = r.Sensitivity is { } s ? new JsonObject { ["mean"] = Num(s.Mean), ["max"] = Num(s.Max), ["rows"] = s.PerRow.Length } : null;
            if (r.Curves is { } cv)
            {
                o["exclusionAuc"] = Num(cv.ExclusionAuc);
                o["inclusionAuc"] = Num(cv.InclusionAuc);
                o["exclusionAucFeatures"] = Num(cv.ExclusionAucFeatures);
                o["inclusionAucFeatures"] = Num(cv.InclusionAucFeatures);
                o["exclusionLogOddsAuc"] = Num(cv.ExclusionLogOddsAuc);
                o["inclusionLogOddsAuc"] = Num(cv.InclusionLogOddsAuc);
                o["topFeatureLogOdds"] = Num(cv.TopFeatureLogOdds);
                o["curves"] = new JsonObject
                {
                    ["kappa"] = Array(cv.Kappa),
                    ["exclusionAccuracy"] = Array(cv.ExclusionAccuracy),
                    ["inclusionAccuracy"] = Array(cv.InclusionAccuracy),
                    ["exclusionOutput"] = Array(cv.ExclusionOutput),
                    ["inclusionOutput"] = Array(cv.InclusionOutput),
                    ["exclusionLogOdds"] = cv.ExclusionLogOdds is null ? null : Array(cv.ExclusionLogOdds),
                    ["inclusionLogOdds"] = cv.InclusionLogOdds is null ? null : Array(cv.InclusionLogOdds),
                };
            }
            return o;
        }

        private static JsonArray Array(double[] v) => new([.. v.Select(Num)]);

        public List<string> Plot(string dir)
        {
            var files = new List<string>();
            var measured = _results.Where(r => r.Curves is not null).ToList();
            if (measured.Count == 0) return files;
            foreach (var (key, title, pick) in new (string, string, Func<RemovalCurveResult, double[]>)[]
            {
                ("exclusion", "Exclusion curve: top features replaced by the background", c => c.ExclusionAccuracy),
                ("inclusion", "Inclusion curve: only the top features kept", c => c.InclusionAccuracy),
            })
            {
                var series = measured.Select(r => new LineSeries(r.Method, r.Curves!.Kappa, pick(r.Curves!))).ToList();
                var chart = new LineChart($"{title} ({_model.Info.Kind})", "κ (share of features by |φ|)", "detection accuracy", series) { YRange = (0, 1) };
                files.AddRange(chart.SaveBoth(dir, $"xai-{key}"));
            }
            return files;
        }

        private static string F(double? v, string format = "F3") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";

        private static string P(double? v) => v is { } x && double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";

        private List<string[]> FidelityRows() =>
            [.. _results.Where(r => r.Set is not null).Select(r => new[]
            {
                r.Method,
                r.VsExact is { } e ? F(e.MeanAbsoluteError, "G3") : "–",
                r.VsExact is { } e2 ? P(e2.RelativeL1Error) : "–",
                F(r.VsExact?.MeanCosine),
                P(r.VsExact?.Top1),
                P(r.VsExact?.Top3SameSet),
                F(r.VsExact?.Top3Jaccard),
                P(r.VsKernel?.Top1),
                F(r.VsKernel?.Top3Jaccard),
                F(Mean(r.Set!.ConfidenceScores), "G3"),
                F(Mean(r.Set!.ErrorMetrics), "G3"),
            })];

        private static readonly string[] FidelityHeader = ["method", "MAE vs ref", "L1 err / Σ|φ|", "cosine", "top-1 = ref", "top-3 same set", "top-3 Jaccard", "top-1 = kernel", "top-3 Jaccard vs kernel", "CS", "EM"];

        private List<string[]> QualityRows() =>
            [.. _results.Where(r => r.Set is not null).Select(r => new[]
            {
                r.Method,
                F(r.Curves?.ExclusionAuc),
                F(r.Curves?.InclusionAuc),
                F(r.Curves?.ExclusionAucFeatures, "F2"),
                F(r.Curves?.InclusionAucFeatures, "F2"),
                F(r.Curves?.TopFeatureLogOdds),
                F(r.Curves?.ExclusionLogOddsAuc),
                F(r.Curves?.InclusionLogOddsAuc),
                F(r.Sensitivity?.Mean, "G3"),
                F(r.Sensitivity?.Max, "G3"),
            })];

        private static readonly string[] QualityHeader = ["method", "exclusion AUC", "inclusion AUC", "exclusion AUC (×d)", "inclusion AUC (×d)", "log-odds top-1", "exclusion log-odds AUC", "inclusion log-odds AUC", "sensitivity mean", "sensitivity max"];

        private List<string[]> CostRows() =>
            [.. _results.Where(r => r.Set is not null).Select(r => new[]
            {
                r.Method,
                r.Set!.Count.ToString(CultureInfo.InvariantCulture),
                F(r.Cost!.WallMsPerRow, "F3"),
                F(r.Cost!.Wall.TotalSeconds, "F2"),
                F(r.Cost!.CpuMsPerRow, "F3"),
                F(r.Cost!.AllocatedBytesPerRow / 1024, "F1"),
                F(r.Cost!.PeakWorkingSetGrowth / (1024.0 * 1024), "F1"),
                F((double)r.Set!.ModelEvaluations / Math.Max(1, r.Set!.Count), "N0"),
            })];

        private static readonly string[] CostHeader = ["method", "rows", "wall ms/row", "wall s total", "CPU ms/row", "alloc KiB/row", "peak WS growth MiB", "model rows/row"];

        public void PrintTables(JsonObject result)
        {
            foreach (var (title, header, rows) in new (string, string[], List<string[]>)[]
            {
                ($"Fidelity and agreement (reference: {result["reference"]?.GetValue<string>() ?? "none"})", FidelityHeader, FidelityRows()),
                ("Explanation quality", QualityHeader, QualityRows()),
                ("Cost", CostHeader, CostRows()),
            })
            {
                var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
                t.AddColumn(header[0]);
                foreach (var h in header.Skip(1)) t.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned());
                foreach (var row in rows) t.AddRow([.. row.Select(Markup.Escape)]);
                _console.Table(t);
            }
            foreach (var note in _notes) _console.Note(note);
        }

        public string Markdown(JsonObject result, string commandLine)
        {
            var sb = new System.Text.StringBuilder();
            sb.AppendLine("# XAI benchmark").AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Model `{_model.Info.Kind}`, data `{_path}`: {result["rowSelection"]}; {result["features"]} features, background {result["background"]} rows.");
            sb.AppendLine(CultureInfo.InvariantCulture, $"Explained output: {result["explainedOutput"]}. Log-odds probability: {result["probability"]}. Accuracy against {result["accuracyAgainst"]}. Removal: {result["removal"]}.").AppendLine();
            sb.AppendLine("```").AppendLine(commandLine).AppendLine("```").AppendLine();
            void Emit(string title, string[] header, List<string[]> rows)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine();
                sb.AppendLine("| " + string.Join(" | ", header) + " |");
                sb.AppendLine("|" + string.Join("|", header.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
                foreach (var r in rows) sb.AppendLine("| " + string.Join(" | ", r) + " |");
                sb.AppendLine();
            }
            Emit($"Fidelity and agreement (reference: {result["reference"]?.GetValue<string>() ?? "none"}, first {result["exactRows"]} rows)", FidelityHeader, FidelityRows());
            Emit("Explanation quality (accuracy curves; AUC over κ ∈ [0, 1] and over 0..d features)", QualityHeader, QualityRows());
            Emit("Cost", CostHeader, CostRows());
            if (result["kernelFidelityTarget"] is JsonObject k)
                sb.AppendLine(CultureInfo.InvariantCulture, $"KernelSHAP fidelity: L1 error / Σ|φ| = {P(k["relativeL1Error"]?.GetValue<double>())} (target ≤ 2 %: {((bool)k["met"]! ? "met" : "missed")}).").AppendLine();
            sb.AppendLine("## Log-odds per feature").AppendLine();
            sb.AppendLine("| feature | log-odds |").AppendLine("|---|---:|");
            foreach (var node in result["logOdds"]!.AsArray())
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {node!["feature"]} | {F(node["value"]?.GetValue<double>())} |");
            if (_notes.Count > 0)
            {
                sb.AppendLine().AppendLine("Notes:").AppendLine();
                foreach (var note in _notes) sb.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
            return sb.ToString();
        }
    }
}
