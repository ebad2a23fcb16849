using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using Xainomaly.Data;
using Xainomaly.Detection;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Pipeline;

/// <summary>
/// The service's one pipeline: callers parse and check their records in parallel, then hand them to a single batch
/// loop that coalesces concurrent requests, scores them in one pass, explains, applies the degradation rule, stores
/// (idempotently), hands the records to the sinks and publishes the anomalies.
/// </summary>
/// <remarks>
/// Outcomes: one per UE record. A UE report object can carry several UE records; each gets its own outcome with the
/// report's <see cref="RecordOutcome.Index"/>. A rejected report gets one outcome.
/// One loop owns scoring, the UE histories and the store writer, so no locks sit on the hot path and per-UE order is
/// the order of arrival. Windowed detectors (LSTM-AE) are refused at construction: they need each UE's predecessors
/// in the same scoring call, which a stream of independent records does not give.
/// </remarks>
public sealed class ReportPipeline : IReportPipeline, IHostedService
{
    private readonly DetectorModel _model;
    private readonly IResultStore _store;
    private readonly IRecordSink[] _sinks;
    private readonly IAnomalyPublisher[] _publishers;
    private readonly IRecordExplainer? _explainer;
    private readonly ServiceOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });

    // Anomalies of stored batches on their way to the publishers: a third stage, so that sending steering hints of
    // batch k overlaps storing batch k+1 instead of holding it up. Bounded: a publisher slower than the store for long
    // holds the store back rather than growing memory without limit.
    private readonly Channel<(List<ScoredRecord> Anomalies, Lane Lane)> _outbox = Channel.CreateBounded<(List<ScoredRecord>, Lane)>(new BoundedChannelOptions(PublishBacklogBatches) { SingleReader = true, SingleWriter = true });
    private Task? _publishLoop;
    private readonly string[] _featureNames;
    private readonly string?[] _featureColumns;
    private readonly RowTransform _rows;
    private double[] _numbers = [];
    private string[] _texts = [];
    private float[] _inputs = [];
    private Task? _loop;

    // Where a batch's side effects go: the real metrics, UE histories and feed, or — for warm-up (dry-run) records —
    // throwaway ones of the same types, so that warm-up batches run the very code real batches run and leave no trace.
    private readonly Lane _real;
    private readonly Lane _dry;

    // Enough rows that the explainer's CS/EM chunk spreads over all cores, as in a real batch.
    private const int WarmUpRecords = 128;

    // Odd batch sizes the warm-up scores too (see WarmUpAsync).
    private static readonly int[] WarmUpRemainderBatches = [1, 7, 23, 45];

    // Batches of anomalies waiting for the publishers before the store stage waits for them.
    private const int PublishBacklogBatches = 64;

    /// <summary>Builds the pipeline around a loaded model; an explainer is optional.</summary>
    public ReportPipeline(
        DetectorModel model,
        IResultStore store,
        IEnumerable<IRecordSink> sinks,
        IEnumerable<IAnomalyPublisher> publishers,
        AnomalyFeed feed,
        DegradationTracker tracker,
        ServiceMetrics metrics,
        ServiceOptions options,
        IRecordExplainer? explainer = null,
        ILogger<ReportPipeline>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.WindowLength > 1)
            throw new InvalidDataException($"The service scores records one by one; the '{model.Info.Kind}' model scores windows of {model.WindowLength} consecutive records of a UE and cannot be served (train a per-record detector such as ss-deepcae).");
        foreach (var c in model.Preprocessor.InputColumns)
        {
            if (!UeSchema.IsCanonical(c) || UeSchema.DefaultRole(c) is ColumnRole.Label or ColumnRole.Ignored)
                throw new InvalidDataException($"The model takes the column '{c}', which UE reports do not carry; the service serves models trained on the UE schema (valid.csv, ue.csv, ue.json.gz or the UE simulator).");
        }
        if (explainer is not null && explainer.InputWidth != model.Detector.InputWidth)
            throw new InvalidDataException($"The explainer explains {explainer.InputWidth} features but the model takes {model.Detector.InputWidth}: it was fitted for another model.");
        ArgumentNullException.ThrowIfNull(tracker);
        _model = model;
        _store = store;
        _sinks = [.. sinks];
        _publishers = [.. publishers];
        Feed = feed;
        Tracker = tracker;
        _options = options;
        _explainer = explainer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _featureNames = [.. model.InputFeatureNames];
        _featureColumns = new string?[_featureNames.Length];
        _rows = model.Preprocessor.ForRows(KpiView.Names, UeSchema.TextColumns, "stream");
        var features = model.Preprocessor.Features;
        for (int i = 0; i < features.Count; i++) _featureColumns[i] = features[i].IsOneHot ? null : features[i].Column;
        _real = new Lane(metrics, tracker, feed, DryRun: false);
        _dry = new Lane(new ServiceMetrics(), new DegradationTracker(tracker.ThroughputDropPercent, tracker.RsrpDropDb, tracker.RsrqDropDb, DryRunHistory), new AnomalyFeed(DryRunHistory), DryRun: true);
    }

    // UE history and feed length of the throwaway dry-run lane: enough for the degradation rule to run.
    private const int DryRunHistory = 20;

    /// <summary>The recent anomalies (for the dashboard).</summary>
    public AnomalyFeed Feed { get; }

    /// <summary>Per-UE recent history and the degradation rule.</summary>
    public DegradationTracker Tracker { get; }

    /// <summary>True once the batch loop runs and until shutdown begins.</summary>
    public bool Running { get; private set; }

    /// <summary>The explainer's method, or null without one.</summary>
    public string? ExplainerMethod => _explainer?.Method;

    /// <inheritdoc />
    public bool SupportsDryRun => true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The call mixes dry-run and real reports.</exception>
    public async Task<IReadOnlyList<RecordOutcome>> ProcessAsync(IReadOnlyList<IncomingReport> reports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        bool dryRun = reports.Count > 0 && reports[0].DryRun;
        for (int i = 1; i < reports.Count; i++)
        {
            if (reports[i].DryRun != dryRun)
                throw new ArgumentException($"Report {i} is {(dryRun ? "real" : "a dry run")} but report 0 is {(dryRun ? "a dry run" : "real")}: one call holds only dry-run or only real reports.", nameof(reports));
        }
        var lane = dryRun ? _dry : _real;
        var metrics = lane.Metrics;
        long started = Stopwatch.GetTimestamp();
        var received = DateTimeOffset.UtcNow;
        var perReport = new object?[reports.Count];
        var accepted = new List<ParsedRecord>(reports.Count);
        for (int i = 0; i < reports.Count; i++)
        {
            var records = RecordParser.Parse(reports[i].Json.Span, i, out var reason, out var kind);
            if (records is null)
            {
                metrics.Rejected(kind!);
                perReport[i] = new RecordOutcome(i, false, reason, null);
                continue;
            }
            perReport[i] = records;
            accepted.AddRange(records);
        }
        metrics.StageTime(0, Stopwatch.GetElapsedTime(started).TotalSeconds);
        var outcomes = new List<RecordOutcome>(Math.Max(reports.Count, accepted.Count));
        ScoredRecord[] scored = [];
        if (accepted.Count > 0)
        {
            if (!Running && _loop is null) throw new InvalidOperationException("The pipeline is not running (start the service first).");
            var work = new Work(accepted, received, started, lane);
            metrics.QueueChanged(accepted.Count);
            if (!_queue.Writer.TryWrite(work))
            {
                metrics.QueueChanged(-accepted.Count);
                throw new InvalidOperationException("The pipeline is shutting down and takes no more records.");
            }
            scored = await work.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            var sources = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in reports) sources[r.Source] = sources.GetValueOrDefault(r.Source) + 1;
            foreach (var (source, _) in sources) metrics.RecordsAccepted(source, CountFrom(reports, perReport, source));
        }
        int k = 0;
        for (int i = 0; i < perReport.Length; i++)
        {
            if (perReport[i] is RecordOutcome rejected)
            {
                outcomes.Add(rejected);
                continue;
            }
            var records = (List<ParsedRecord>)perReport[i]!;
            for (int j = 0; j < records.Count; j++) outcomes.Add(new RecordOutcome(i, true, null, scored[k++]));
        }
        return outcomes;
    }

    private static int CountFrom(IReadOnlyList<IncomingReport> reports, object?[] perReport, string source)
    {
        int n = 0;
        for (int i = 0; i < reports.Count; i++)
            if (reports[i].Source == source && perReport[i] is List<ParsedRecord> list) n += list.Count;
        return n;
    }

    /// <summary>Warms the hot path up (see <see cref="WarmUpAsync"/>), then starts the batch loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null) return;
        if (_options.WarmUp) await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        _publishLoop = Task.Run(PublishLoopAsync, CancellationToken.None);
        _loop = Task.Run(RunLoopAsync, CancellationToken.None);
        Running = true;
    }

    /// <summary>How long the start-up warm-up took (zero without one).</summary>
    public TimeSpan WarmUpTime { get; private set; }

    /// <summary>
    /// Runs synthetic UE reports through the whole hot path once — parser, input transform, detector, explainer with
    /// CS/EM, record assembly and the store's write path in a rolled-back transaction — so that compiling that code
    /// happens before the service takes records instead of during its first batches (where it showed as hundreds of
    /// milliseconds of latency). No UE history, metric or stored row is touched: the batch runs in the dry-run lane.
    /// Ingest paths then warm their own code up with dry-run reports (<see cref="IncomingReport.DryRun"/>).
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var records = new List<ParsedRecord>(WarmUpRecords);
            for (int i = 0; i < WarmUpRecords; i++)
            {
                var parsed = RecordParser.Parse(WarmUpReport(i), 0, out var reason, out _)
                    ?? throw new InvalidOperationException($"the warm-up report was rejected: {reason}");
                records.AddRange(parsed);
            }
            var work = new Work(records, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), _dry);
            var scored = ScoreBatch([work], records.Count, _dry, out _);
            await _store.WarmUpAsync(scored, cancellationToken).ConfigureAwait(false);
            foreach (var r in scored) AnomalyPayload.Write(r);
            // Batch sizes that are not multiples of the kernels' row blocks: their remainder paths (and the
            // explainer's) would otherwise compile during the first real batch of such a size, seconds into a run.
            foreach (int size in WarmUpRemainderBatches)
            {
                var part = records.GetRange(0, size);
                ScoreBatch([new Work(part, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), _dry)], size, _dry, out _);
            }
            _ = _dry.Metrics.Render(); // the /metrics page
            PrecompileKernels();
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // A warm-up that fails costs only speed; the real batches report their own errors.
            _logger.LogWarning(e, "The warm-up failed; the first batches will be slower");
        }
        WarmUpTime = clock.Elapsed;
        _logger.LogInformation("Warmed up in {Milliseconds} ms", (int)WarmUpTime.TotalMilliseconds);
    }

    // The matrix kernels, every row-count instantiation: which kernels a batch uses depends on its row counts, and
    // kernels first needed seconds into a run were compiled there, in the middle of a batch (the runtime's perf map
    // showed Block32/Block16 instantiations compiled during steady load).
    private static void PrecompileKernels()
    {
        const BindingFlags all = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var gemm = typeof(Xainomaly.Numerics.Gemm);
        var rowCounts = new List<Type>();
        foreach (var nested in gemm.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (nested.IsValueType && !nested.ContainsGenericParameters) rowCounts.Add(nested);
        }
        foreach (var kernel in gemm.GetMethods(all))
        {
            if (!kernel.ContainsGenericParameters)
            {
                RuntimeHelpers.PrepareMethod(kernel.MethodHandle);
                continue;
            }
            if (kernel.GetGenericArguments().Length != 1) continue;
            foreach (var rows in rowCounts)
            {
                MethodInfo instance;
                try
                {
                    instance = kernel.MakeGenericMethod(rows);
                }
                catch (ArgumentException)
                {
                    continue; // not a row count this kernel takes
                }
                RuntimeHelpers.PrepareMethod(instance.MethodHandle);
            }
        }
    }

    /// <summary>
    /// One synthetic UE report in the wire format of ue.json.gz with <paramref name="ues"/> UE records (UE ids
    /// <c>warm-up-i</c>, <c>warm-up-i-1</c>, …), its values varied with <paramref name="i"/> (plausible radio values).
    /// Shared by the pipeline's and the JetStream ingest's warm-ups.
    /// </summary>
    internal static byte[] WarmUpReport(int i, int ues = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ues, 1);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder(1024 * ues);
        sb.Append(inv, $"{{\"ueMeasReport\":{{\"du-id\":{1000 + (i % 9)},\"measTimeStampRf\":\"2021-06-25T11:42:{i % 60:00}.{i % 1000:000}\",\"ueMeasReportList\":[");
        for (int u = 0; u < ues; u++)
        {
            if (u > 0) sb.Append(',');
            int v = i + (u * 17);
            string Rf(double rsrp) => string.Format(inv, "{{\"rsrp\":{0},\"rsrq\":{1},\"rssinr\":{2}}}", rsrp, -10.5 - (v % 7 * 0.3), rsrp + 120.25);
            string ue = u == 0 ? $"warm-up-{i}" : $"warm-up-{i}-{u}";
            sb.Append(inv, $"{{\"ue-id\":\"{ue}\",\"nrCellIdentity\":\"c{1 + (v % 5)}/B13\",\"targetTput\":0.75,\"servingCellRfReport\":{Rf(-80.5 - (v % 40))},\"neighbourCellList\":[");
            for (int k = 0; k < UeSchema.NeighbourCount; k++)
            {
                if (k > 0) sb.Append(',');
                sb.Append(inv, $"{{\"nbCellIdentity\":\"c{1 + ((v + k + 1) % 5)}/B2\",\"nbCellRfReport\":{Rf(-85.5 - ((v + (3 * k)) % 50))}}}");
            }
            sb.Append(inv, $"],\"throughput\":{0.05 + (v % 10 * 0.07)},\"prb_usage\":{10 + (v * 7 % 90)},\"x\":{(v * 37 % 600) - 300}.0,\"y\":{(v * 53 % 600) - 300}.0}}");
        }
        sb.Append("]}}");
        return System.Text.Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Stops taking records, then finishes every batch already queued (graceful drain).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Running = false;
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        _outbox.Writer.TryComplete();
        if (_publishLoop is not null) await _publishLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunLoopAsync()
    {
        var reader = _queue.Reader;
        // Two stages overlap: while batch k is written (SQLite, sinks, publishers), batch k+1 is scored and explained
        // on this loop. Writes stay in arrival order (one write in flight at a time) and a record's caller is only
        // answered (and a JetStream message only acked) after its batch is stored.
        // A batch holds work of one lane only: a dry-run (warm-up) item that arrives between real ones ends the batch
        // and starts the next, so a real store write never carries warm-up records and warm-up never delays a real
        // record by more than its own (small) batch.
        Task persisting = Task.CompletedTask;
        Work? next = null;
        while (next is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<Work>();
            int n = 0;
            if (next is not null)
            {
                batch.Add(next);
                n = next.Records.Count;
                next = null;
            }
            while (n < _options.MaxBatchRecords && reader.TryRead(out var w))
            {
                if (batch.Count > 0 && !ReferenceEquals(w.Lane, batch[0].Lane))
                {
                    next = w;
                    break;
                }
                batch.Add(w);
                n += w.Records.Count;
            }
            if (batch.Count == 0) continue;
            var lane = batch[0].Lane;
            lane.Metrics.QueueChanged(-n);
            ScoredRecord[] scored;
            try
            {
                scored = ScoreBatch(batch, n, lane, out int explained);
                await persisting.ConfigureAwait(false);
                // On the thread pool, so the SQLite write (synchronous underneath) does not hold up this loop.
                persisting = Task.Run(() => PersistAsync(batch, scored, explained, lane));
            }
            catch (Exception e)
            {
                Fail(batch, n, e);
            }
        }
        await persisting.ConfigureAwait(false);
    }

    private void Fail(List<Work> batch, int n, Exception e)
    {
        _logger.LogError(e, "A batch of {Records} records failed", n);
        foreach (var w in batch) w.Done.TrySetException(e);
    }

    // Scores, explains and assembles the records of one batch, and runs the degradation rule (in arrival order).
    private ScoredRecord[] ScoreBatch(List<Work> batch, int n, Lane lane, out int explained)
    {
        var records = new ParsedRecord[n];
        var receivedAt = new DateTimeOffset[n];
        int at = 0;
        foreach (var w in batch)
        {
            foreach (var r in w.Records)
            {
                receivedAt[at] = w.Received;
                records[at++] = r;
            }
        }

        long t = Stopwatch.GetTimestamp();
        var x = Inputs(records);
        var scores = new float[n];
        int d = _model.Detector.InputWidth;
        _model.Detector.Score(x.AsSpan(0, n * d), n, scores);
        double tau = _model.Detector.Threshold;

        t = Lap(1, t, lane);
        var explanations = new RecordExplanation?[n];
        explained = 0;
        if (_explainer is not null)
        {
            int count = 0;
            // Warm-up records are all explained, whatever their scores, so that the explainer runs in every warm-up batch.
            bool all = _options.ExplainAll || lane.DryRun;
            for (int i = 0; i < n; i++) if (all || scores[i] > tau) count++;
            if (count > 0)
            {
                var rows = new float[count * d];
                var which = new int[count];
                int j = 0;
                for (int i = 0; i < n; i++)
                {
                    if (!all && !(scores[i] > tau)) continue;
                    x.AsSpan(i * d, d).CopyTo(rows.AsSpan(j * d, d));
                    which[j++] = i;
                }
                var result = _explainer.Explain(rows, count);
                for (j = 0; j < count; j++) explanations[which[j]] = result[j];
                explained = count;
            }
        }

        t = Lap(2, t, lane);
        var scored = new ScoredRecord[n];
        for (int i = 0; i < n; i++)
        {
            var r = records[i];
            bool anomalous = scores[i] > tau;
            var point = new UeKpiPoint(r.Timestamp, r.Kpis.GetValueOrDefault("throughput"), r.Kpis.GetValueOrDefault("rsrp"),
                r.Kpis.GetValueOrDefault("rsrq"), r.Kpis.GetValueOrDefault("rssinr"), r.Kpis.GetValueOrDefault("prb_usage"), scores[i], anomalous);
            string? cause = lane.Tracker.Observe(r.UeId, point, anomalous);
            var e = explanations[i];
            scored[i] = new ScoredRecord
            {
                Id = r.Id,
                UeId = r.UeId,
                CellId = r.CellId,
                NeighbourCells = r.NeighbourCells,
                DuId = r.DuId,
                Timestamp = r.Timestamp,
                ReceivedAt = receivedAt[i],
                Kpis = r.Kpis,
                Score = scores[i],
                Threshold = tau,
                Anomalous = anomalous,
                TopFeatures = e is null ? [] : TopFeatures(e.Phi, r.Kpis),
                BaseValue = e?.BaseValue,
                ConfidenceScore = e?.ConfidenceScore,
                ErrorMetric = e?.ErrorMetric,
                EfficiencyGap = e?.EfficiencyGap,
                Degradation = cause,
            };
        }
        RecordBytes.Prepare(scored); // the store's and the anomaly payload's JSON, encoded here on all cores
        // Record assembly and the degradation rule count as the store stage, as before the stages overlapped.
        Lap(3, t, lane);
        return scored;
    }

    // Stores the batch (idempotently) and hands it to the sinks, answers the callers (a JetStream message is acked from
    // there), then publishes the anomalies: a steering hint is advisory and must not add its send time to every
    // record's latency, while an acknowledgement must never come before the records are stored.
    // A dry-run batch goes through the store's write path in a rolled-back transaction and reaches no sink or publisher.
    private async Task PersistAsync(List<Work> batch, ScoredRecord[] scored, int explained, Lane lane)
    {
        int n = scored.Length;
        var anomalies = new List<ScoredRecord>();
        long t;
        try
        {
            t = Stopwatch.GetTimestamp();
            foreach (var s in scored) if (s.Anomalous) anomalies.Add(s);
            int stored = 0;
            if (lane.DryRun)
            {
                await _store.WarmUpAsync(scored, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                stored = await _store.WriteAsync(scored, CancellationToken.None).ConfigureAwait(false);
                foreach (var sink in _sinks) sink.Enqueue(scored);
            }
            if (anomalies.Count > 0) lane.Feed.Add(anomalies);
            lane.Metrics.BatchDone(anomalies.Count, explained, stored);
            Lap(3, t, lane);
        }
        catch (Exception e)
        {
            Fail(batch, n, e);
            return;
        }

        int at = 0;
        long now = Stopwatch.GetTimestamp();
        foreach (var w in batch)
        {
            double latency = Stopwatch.GetElapsedTime(w.Started, now).TotalSeconds;
            var mine = new ScoredRecord[w.Records.Count];
            for (int i = 0; i < mine.Length; i++) mine[i] = scored[at++];
            lane.Metrics.ObserveLatency(latency, mine.Length);
            w.Done.TrySetResult(mine);
        }

        // Dry-run anomalies take the same stage to the publishers' warm-up (a subject of their own), never to steering.
        if (anomalies.Count > 0 && _publishers.Length > 0) await _outbox.Writer.WriteAsync((anomalies, lane)).ConfigureAwait(false);
    }

    // The third stage: publishes the anomalies of each stored batch, in store order.
    private async Task PublishLoopAsync()
    {
        var reader = _outbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                var (anomalies, lane) = item;
                long t = Stopwatch.GetTimestamp();
                foreach (var p in _publishers)
                {
                    try
                    {
                        if (lane.DryRun) await p.WarmUpAsync(anomalies, CancellationToken.None).ConfigureAwait(false);
                        else await p.PublishAsync(anomalies, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // The records are stored; a steering hint that could not be sent must not fail the ingest.
                        _logger.LogWarning(ex, "Publishing {Count} anomalies failed", anomalies.Count);
                    }
                }
                Lap(4, t, lane);
            }
        }
    }

    private static long Lap(int stage, long since, Lane lane)
    {
        long now = Stopwatch.GetTimestamp();
        lane.Metrics.StageTime(stage, Stopwatch.GetElapsedTime(since, now).TotalSeconds);
        return now;
    }

    private List<FeatureContribution> TopFeatures(double[] phi, IReadOnlyDictionary<string, double> kpis)
    {
        int k = Math.Min(_options.TopFeatures, phi.Length);
        var top = new List<FeatureContribution>(k);
        var used = new bool[phi.Length];
        for (int t = 0; t < k; t++)
        {
            int best = -1;
            for (int i = 0; i < phi.Length; i++)
                if (!used[i] && (best < 0 || Math.Abs(phi[i]) > Math.Abs(phi[best]))) best = i;
            used[best] = true;
            var col = _featureColumns[best];
            top.Add(new FeatureContribution(_featureNames[best], phi[best], col is not null && kpis.TryGetValue(col, out var v) ? v : null));
        }
        return top;
    }

    // The detector's input rows of a batch straight from the records' KPI values (and, for a model that takes them,
    // identifiers or the time): no table in between. Buffers are reused: one batch is scored at a time, and what
    // outlives the batch (explanations) is copied out of them.
    private float[] Inputs(ParsedRecord[] records)
    {
        int n = records.Length, nw = KpiView.Names.Length, tw = UeSchema.TextColumns.Count;
        if (_numbers.Length < n * nw) _numbers = new double[Math.Max(n * nw, _numbers.Length * 2)];
        for (int i = 0; i < n; i++) records[i].Kpis.Values.CopyTo(_numbers.AsSpan(i * nw, nw));
        if (_rows.ReadsText)
        {
            if (_texts.Length < n * tw) _texts = new string[Math.Max(n * tw, _texts.Length * 2)];
            for (int i = 0; i < n; i++)
            {
                var r = records[i];
                var row = _texts.AsSpan(i * tw, tw);
                row[0] = r.DuId ?? "";
                row[1] = r.TimeText;
                row[2] = r.CellId ?? "";
                row[3] = r.UeId;
                for (int k = 0; k < UeSchema.NeighbourCount; k++) row[4 + k] = k < r.NeighbourCells.Count ? r.NeighbourCells[k] : "";
            }
        }
        int d = _rows.Width;
        if (_inputs.Length < n * d) _inputs = new float[Math.Max(n * d, _inputs.Length * 2)];
        _rows.Transform(_numbers.AsSpan(0, n * nw), _texts, n, _inputs.AsSpan(0, n * d), "stream");
        return _inputs;
    }

    private sealed record Lane(ServiceMetrics Metrics, DegradationTracker Tracker, AnomalyFeed Feed, bool DryRun);

    private sealed class Work(List<ParsedRecord> records, DateTimeOffset received, long started, Lane lane)
    {
        public List<ParsedRecord> Records { get; } = records;
        public DateTimeOffset Received { get; } = received;
        public long Started { get; } = started;
        public Lane Lane { get; } = lane;
        public TaskCompletionSource<ScoredRecord[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
