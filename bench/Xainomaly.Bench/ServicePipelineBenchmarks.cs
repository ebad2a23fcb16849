using BenchmarkDotNet.Attributes;

using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;

using Xainomaly.Service;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Bench;

/// <summary>
/// The service's per-record stages on the whole UE report stream (ue.json.gz: 23,892 reports, 59,610 UE records):
/// parsing every report as the pipeline does (checks, record ids, KPI views), and storing 59,610 scored records in a new
/// SQLite file in batches of 512 (30 % anomalous with five top features, CS and EM, as the bench model gives).
/// Divide by 59,610 for the cost per record. <see cref="PublishAnomalies"/> publishes the 17,883 anomalies of those
/// records, in the pipeline's per-batch lists, on core NATS (the server of <c>XAINOMALY_NATS_URL</c>, default
/// <c>nats://127.0.0.1:42220</c>, as <c>scripts/services.sh start</c> runs it); divide by 17,883 per anomaly.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ServicePipelineBenchmarks
{
    private const int StoreBatch = 512;
    private IReadOnlyList<ReplayMessage> _messages = [];
    private ScoredRecord[] _scored = [];
    private ScoredRecord[] _batch = [];
    private string _dir = "";
    private SqliteResultStore? _store;
    private List<ScoredRecord>[] _anomalyBatches = [];
    private NatsConnection? _nats;
    private NatsAnomalyPublisher? _publisher;

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(BenchPaths.Data(), "ue.json.gz");
        _messages = ReplaySource.Load(path, null);
        var records = new List<ParsedRecord>(60_000);
        foreach (var m in _messages) records.AddRange(RecordParser.Parse(m.Json.Span, 0, out var reason, out _) ?? throw new InvalidDataException(reason));
        _scored = new ScoredRecord[records.Count];
        var received = DateTimeOffset.UtcNow;
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            bool anomalous = i % 10 < 3;
            var top = new List<FeatureContribution>();
            if (anomalous)
            {
                foreach (var (name, value) in r.Kpis)
                {
                    if (top.Count == 5) break;
                    top.Add(new FeatureContribution(name, 0.01 * (top.Count + 1), value));
                }
            }
            _scored[i] = new ScoredRecord
            {
                Id = r.Id,
                UeId = r.UeId,
                CellId = r.CellId,
                DuId = r.DuId,
                NeighbourCells = r.NeighbourCells,
                Timestamp = r.Timestamp,
                ReceivedAt = received,
                Kpis = r.Kpis,
                Score = anomalous ? 0.9 : 0.1,
                Threshold = 0.5,
                Anomalous = anomalous,
                TopFeatures = top,
                BaseValue = anomalous ? 0.2 : null,
                ConfidenceScore = anomalous ? 0.05 : null,
                ErrorMetric = anomalous ? 0.004 : null,
                EfficiencyGap = anomalous ? 0.0 : null,
                Degradation = anomalous ? "Throughput" : null,
            };
        }
        var batches = new List<List<ScoredRecord>>();
        for (int at = 0; at < _scored.Length; at += StoreBatch)
        {
            var anomalies = new List<ScoredRecord>();
            for (int i = at; i < Math.Min(at + StoreBatch, _scored.Length); i++) if (_scored[i].Anomalous) anomalies.Add(_scored[i]);
            batches.Add(anomalies);
        }
        _anomalyBatches = [.. batches];
        _dir = Path.Combine(Path.GetTempPath(), "xainomaly-bench-store-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
    }

    [Benchmark]
    public int ParseUeJsonGz()
    {
        int n = 0;
        foreach (var m in _messages) n += RecordParser.Parse(m.Json.Span, 0, out _, out _)!.Count;
        return n;
    }

    [IterationSetup(Target = nameof(StoreUeJsonGz))]
    public void OpenStore()
    {
        // Copies made with `with` carry no encoded JSON: the store encodes every record itself, as before the pipeline
        // prepared them.
        _batch = Copies();
        OpenNewStore();
    }

    [IterationSetup(Target = nameof(StorePreparedUeJsonGz))]
    public void OpenStorePrepared()
    {
        // As the pipeline hands them over: encoded on its scoring side (RecordBytes.Prepare), so the store only binds.
        _batch = Copies();
        RecordBytes.Prepare(_batch);
        OpenNewStore();
    }

    /// <summary>59,610 records into a new store, each JSON column encoded by the store's writer.</summary>
    [Benchmark]
    public int StoreUeJsonGz() => Store();

    /// <summary>59,610 prepared records into a new store: the SQLite thread's own cost per record.</summary>
    [Benchmark]
    public int StorePreparedUeJsonGz() => Store();

    [IterationCleanup(Targets = [nameof(StoreUeJsonGz), nameof(StorePreparedUeJsonGz)])]
    public void CloseStore() => _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(PrepareUeJsonGz))]
    public void CopyRecords() => _batch = Copies();

    /// <summary>Encoding the store's columns of 59,610 records and the payloads of their anomalies, on one thread.</summary>
    [Benchmark]
    public int PrepareUeJsonGz()
    {
        int bytes = 0;
        foreach (var r in _batch) bytes += RecordBytes.Of(r, r.Anomalous).Kpis.Length;
        return bytes;
    }

    private int Store()
    {
        int stored = 0;
        for (int at = 0; at < _batch.Length; at += StoreBatch)
        {
            var batch = new ArraySegment<ScoredRecord>(_batch, at, Math.Min(StoreBatch, _batch.Length - at));
            stored += _store!.WriteAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
        }
        return stored;
    }

    private void OpenNewStore()
    {
        var file = Path.Combine(_dir, "store.db");
        foreach (var f in Directory.GetFiles(_dir)) File.Delete(f);
        _store = SqliteResultStore.Open(file);
    }

    private ScoredRecord[] Copies()
    {
        var copies = new ScoredRecord[_scored.Length];
        for (int i = 0; i < copies.Length; i++) copies[i] = _scored[i] with { };
        return copies;
    }

    [GlobalSetup(Target = nameof(PublishAnomalies))]
    public void SetupPublish()
    {
        Setup();
        var url = Environment.GetEnvironmentVariable("XAINOMALY_NATS_URL") ?? "nats://127.0.0.1:42220";
        _nats = new NatsConnection(new NatsOpts { Url = url, Name = "xainomaly-bench" });
        _nats.ConnectAsync().AsTask().GetAwaiter().GetResult();
        var options = new ServiceOptions { ModelPath = "unused.xai", AnomalySubject = "xainomaly.bench.anomalies" };
        _publisher = new NatsAnomalyPublisher(_nats, options, NullLogger<NatsAnomalyPublisher>.Instance);
        foreach (var batch in _anomalyBatches) RecordBytes.Prepare(batch);
    }

    /// <summary>The anomalies of 59,610 records (prepared, as the pipeline hands them over) published batch by batch.</summary>
    [Benchmark]
    public long PublishAnomalies()
    {
        foreach (var batch in _anomalyBatches) _publisher!.PublishAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        // Every message has reached the server before the next iteration starts.
        _nats!.PingAsync().AsTask().GetAwaiter().GetResult();
        return _publisher!.Published;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nats?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
