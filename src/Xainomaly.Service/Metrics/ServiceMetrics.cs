using System.Globalization;
using System.Text;

namespace Xainomaly.Service.Metrics;

/// <summary>
/// The service's Prometheus metrics, written in the text exposition format by hand (a handful of counters, one
/// histogram, a few gauges; no dependency needed). Thread-safe: counters are updated with interlocked operations.
/// </summary>
public sealed class ServiceMetrics
{
    // Latency buckets in seconds: the near-RT RIC loop runs in 10 ms – 1 s, so the interesting range is 0.5 ms – 1 s;
    // the buckets up to a minute show how long an overloaded instance lets a backlog wait.
    private static readonly double[] Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _rejects = new(StringComparer.Ordinal);
    private readonly long[] _latencyBuckets = new long[Buckets.Length + 1];
    private double _latencySum;
    private long _latencyCount;
    private long _anomalies;
    private long _explained;
    private long _batches;
    private long _queued;
    private long _stored;
    private long _lastBatchTicks;
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private long _rateWindowStartTicks = Environment.TickCount64;
    private long _rateWindowCount;
    private double _lastRate;

    private readonly double[] _stageSeconds = new double[StageNames.Length];

    /// <summary>Pipeline stages timed by <see cref="StageTime"/>.</summary>
    public static readonly string[] StageNames = ["parse", "score", "explain", "store", "publish"];

    /// <summary>Adds time spent in a pipeline stage (index into <see cref="StageNames"/>).</summary>
    public void StageTime(int stage, double seconds)
    {
        lock (_gate) _stageSeconds[stage] += seconds;
    }

    /// <summary>Functions read at scrape time for gauges owned by others (e.g. sinks' pending records).</summary>
    public List<(string Name, string Help, Func<double> Value)> Gauges { get; } = [];

    /// <summary>
    /// Histograms kept elsewhere (e.g. the JetStream latency), rendered in Prometheus form: the upper bucket edges in
    /// seconds, the cumulative count at or below an edge, the total count and the sum in seconds.
    /// </summary>
    public List<(string Name, string Help, double[] EdgesSeconds, Func<double, long> CountAtMost, Func<long> Count, Func<double> SumSeconds)> Histograms { get; } = [];

    /// <summary>Records waiting in the pipeline's batch queue (the queue-lag gauge).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Counts accepted records from <paramref name="source"/>.</summary>
    public void RecordsAccepted(string source, int count)
    {
        lock (_gate)
        {
            _records[source] = _records.GetValueOrDefault(source) + count;
            long now = Environment.TickCount64;
            _rateWindowCount += count;
            if (now - _rateWindowStartTicks >= 1000)
            {
                _lastRate = _rateWindowCount * 1000.0 / (now - _rateWindowStartTicks);
                _rateWindowStartTicks = now;
                _rateWindowCount = 0;
            }
        }
    }

    /// <summary>Counts one rejected record with its reason kind.</summary>
    public void Rejected(string reasonKind)
    {
        lock (_gate) _rejects[reasonKind] = _rejects.GetValueOrDefault(reasonKind) + 1;
    }

    /// <summary>Counts anomalies, explanations, stored (new) records and one batch.</summary>
    public void BatchDone(int anomalies, int explained, int stored)
    {
        Interlocked.Add(ref _anomalies, anomalies);
        Interlocked.Add(ref _explained, explained);
        Interlocked.Add(ref _stored, stored);
        Interlocked.Increment(ref _batches);
        Volatile.Write(ref _lastBatchTicks, DateTime.UtcNow.Ticks);
    }

    /// <summary>Adds to (or, negative, takes from) the queued-records gauge.</summary>
    public void QueueChanged(int delta) => Interlocked.Add(ref _queued, delta);

    /// <summary>Observes one record's end-to-end latency (received → stored).</summary>
    public void ObserveLatency(double seconds) => ObserveLatency(seconds, 1);

    /// <summary>Observes <paramref name="records"/> records that took <paramref name="seconds"/> each (one lock for a request's records).</summary>
    public void ObserveLatency(double seconds, int records)
    {
        if (records <= 0) return;
        int b = 0;
        while (b < Buckets.Length && seconds > Buckets[b]) b++;
        lock (_gate)
        {
            _latencyBuckets[b] += records;
            _latencySum += seconds * records;
            _latencyCount += records;
        }
    }

    /// <summary>Total rejected records of a reason kind (tests and the dashboard).</summary>
    public long RejectCount(string reasonKind)
    {
        lock (_gate) return _rejects.GetValueOrDefault(reasonKind);
    }

    /// <summary>The metrics in Prometheus text exposition format 0.0.4.</summary>
    public string Render()
    {
        var sb = new StringBuilder(2048);
        lock (_gate)
        {
            Header(sb, "xainomaly_records_total", "UE records accepted and scored, by ingest source.", "counter");
            if (_records.Count == 0) sb.Append("xainomaly_records_total{source=\"http\"} 0\n");
            foreach (var (source, n) in _records) sb.Append("xainomaly_records_total{source=\"").Append(Escape(source)).Append("\"} ").Append(n).Append('\n');

            Header(sb, "xainomaly_records_rejected_total", "Records rejected, by reason.", "counter");
            foreach (var kind in Pipeline.RecordParser.ReasonKinds)
                sb.Append("xainomaly_records_rejected_total{reason=\"").Append(kind).Append("\"} ").Append(_rejects.GetValueOrDefault(kind)).Append('\n');
            foreach (var (kind, n) in _rejects)
                if (Array.IndexOf(Pipeline.RecordParser.ReasonKinds, kind) < 0)
                    sb.Append("xainomaly_records_rejected_total{reason=\"").Append(Escape(kind)).Append("\"} ").Append(n).Append('\n');

            Header(sb, "xainomaly_records_per_second", "Accepted records per second over the last full second.", "gauge");
            sb.Append("xainomaly_records_per_second ").Append(Num(_lastRate)).Append('\n');

            Header(sb, "xainomaly_end_to_end_latency_seconds", "Time from receiving a record to having it stored.", "histogram");
            long cumulative = 0;
            for (int b = 0; b < Buckets.Length; b++)
            {
                cumulative += _latencyBuckets[b];
                sb.Append("xainomaly_end_to_end_latency_seconds_bucket{le=\"").Append(Num(Buckets[b])).Append("\"} ").Append(cumulative).Append('\n');
            }
            cumulative += _latencyBuckets[^1];
            sb.Append("xainomaly_end_to_end_latency_seconds_bucket{le=\"+Inf\"} ").Append(cumulative).Append('\n');
            sb.Append("xainomaly_end_to_end_latency_seconds_sum ").Append(Num(_latencySum)).Append('\n');
            sb.Append("xainomaly_end_to_end_latency_seconds_count ").Append(_latencyCount).Append('\n');

            Header(sb, "xainomaly_stage_seconds_total", "Time spent per pipeline stage (parse runs on request threads, the rest in the batch loop).", "counter");
            for (int i = 0; i < StageNames.Length; i++)
                sb.Append("xainomaly_stage_seconds_total{stage=\"").Append(StageNames[i]).Append("\"} ").Append(Num(_stageSeconds[i])).Append('\n');
        }
        Header(sb, "xainomaly_anomalies_total", "Records the detector flagged anomalous.", "counter");
        sb.Append("xainomaly_anomalies_total ").Append(Interlocked.Read(ref _anomalies)).Append('\n');
        Header(sb, "xainomaly_explanations_total", "Records explained.", "counter");
        sb.Append("xainomaly_explanations_total ").Append(Interlocked.Read(ref _explained)).Append('\n');
        Header(sb, "xainomaly_stored_total", "Records newly stored (re-sent records are not counted twice).", "counter");
        sb.Append("xainomaly_stored_total ").Append(Interlocked.Read(ref _stored)).Append('\n');
        Header(sb, "xainomaly_batches_total", "Scoring batches run.", "counter");
        sb.Append("xainomaly_batches_total ").Append(Interlocked.Read(ref _batches)).Append('\n');
        // When the last batch was stored: staleness alerts, and a load test can read its end time from here instead of
        // polling fast (a poll every few milliseconds costs the cores it measures).
        Header(sb, "xainomaly_last_batch_timestamp_seconds", "Unix time at which the last batch was stored (0 before the first).", "gauge");
        long last = Volatile.Read(ref _lastBatchTicks);
        sb.Append("xainomaly_last_batch_timestamp_seconds ").Append(last == 0 ? "0" : Num((last - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerSecond)).Append('\n');
        Header(sb, "xainomaly_queue_lag_records", "Records received but not yet scored and stored.", "gauge");
        sb.Append("xainomaly_queue_lag_records ").Append(Interlocked.Read(ref _queued)).Append('\n');
        Header(sb, "xainomaly_uptime_seconds", "Seconds since the service started.", "gauge");
        sb.Append("xainomaly_uptime_seconds ").Append(Num((DateTimeOffset.UtcNow - _started).TotalSeconds)).Append('\n');
        // The runtime's own figures: allocation and collector pauses are most of what a latency outlier is made of.
        Header(sb, "process_cpu_seconds_total", "User and system CPU time of the service process.", "counter");
        sb.Append("process_cpu_seconds_total ").Append(Num(Environment.CpuUsage.TotalTime.TotalSeconds)).Append('\n');
        Header(sb, "xainomaly_allocated_bytes_total", "Bytes allocated on the managed heap since the start.", "counter");
        sb.Append("xainomaly_allocated_bytes_total ").Append(GC.GetTotalAllocatedBytes()).Append('\n');
        Header(sb, "xainomaly_gc_collections_total", "Garbage collections, by generation (a collection of generation 2 counts in 0 and 1 too).", "counter");
        for (int g = 0; g <= 2; g++) sb.Append("xainomaly_gc_collections_total{generation=\"").Append(g).Append("\"} ").Append(GC.CollectionCount(g)).Append('\n');
        Header(sb, "xainomaly_gc_pause_seconds_total", "Time the runtime paused the service's threads for garbage collection.", "counter");
        sb.Append("xainomaly_gc_pause_seconds_total ").Append(Num(GC.GetTotalPauseDuration().TotalSeconds)).Append('\n');
        Header(sb, "xainomaly_gc_heap_bytes", "Managed heap size after the last garbage collection.", "gauge");
        sb.Append("xainomaly_gc_heap_bytes ").Append(GC.GetGCMemoryInfo().HeapSizeBytes).Append('\n');
        // The JIT compiler's work: after the start-up warm-up, compiling (first calls, and the runtime recompiling hot
        // methods with optimisations in the background) takes CPU from the records.
        Header(sb, "xainomaly_jit_compiled_methods_total", "Methods the JIT compiler has compiled (recompilations included).", "counter");
        sb.Append("xainomaly_jit_compiled_methods_total ").Append(System.Runtime.JitInfo.GetCompiledMethodCount()).Append('\n');
        Header(sb, "xainomaly_jit_seconds_total", "Time spent in the JIT compiler.", "counter");
        sb.Append("xainomaly_jit_seconds_total ").Append(Num(System.Runtime.JitInfo.GetCompilationTime().TotalSeconds)).Append('\n');
        foreach (var (name, help, value) in Gauges)
        {
            Header(sb, name, help, "gauge");
            sb.Append(name).Append(' ').Append(Num(value())).Append('\n');
        }
        foreach (var (name, help, edges, countAtMost, count, sum) in Histograms)
        {
            Header(sb, name, help, "histogram");
            foreach (double le in edges)
                sb.Append(name).Append("_bucket{le=\"").Append(Num(le)).Append("\"} ").Append(countAtMost(le)).Append('\n');
            long total = count();
            sb.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(total).Append('\n');
            sb.Append(name).Append("_sum ").Append(Num(sum())).Append('\n');
            sb.Append(name).Append("_count ").Append(total).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The metric families named in <paramref name="names"/> only (as Prometheus client libraries' <c>name[]</c> filter):
    /// a poller that wants one counter reads a few hundred bytes instead of the whole page. Unknown names select nothing.
    /// </summary>
    public string Render(IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var page = Render();
        var sb = new StringBuilder(256);
        bool keep = false;
        foreach (var line in page.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty) continue;
            // Every family starts with its HELP line (see Header).
            if (line.StartsWith("# HELP "))
            {
                var rest = line["# HELP ".Length..];
                int space = rest.IndexOf(' ');
                var family = space < 0 ? rest : rest[..space];
                keep = false;
                foreach (var n in names)
                {
                    if (family.SequenceEqual(n))
                    {
                        keep = true;
                        break;
                    }
                }
            }
            if (keep) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
