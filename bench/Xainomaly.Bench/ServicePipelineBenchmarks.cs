using BenchmarkDotNet.Attributes;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Bench;

/// <summary>
/// The service's per-record stages on the whole UE report stream (ue.json.gz: 23,892 reports, 59,610 UE records):
/// parsing every report as the pipeline does (checks, record ids, KPI views), and storing 59,610 scored records in a new
/// SQLite file in batches of 512 (30 % anomalous with five top features, CS and EM, as the bench model gives).
/// Divide by 59,610 for the cost per record.
/// </summary>
[MemoryDiagnoser]
public class ServicePipelineBenchmarks
{
    private const int StoreBatch = 512;
    private IReadOnlyList<ReplayMessage> _messages = [];
    private ScoredRecord[] _scored = [];
    private string _dir = "";
    private SqliteResultStore? _store;

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
        var file = Path.Combine(_dir, "store.db");
        foreach (var f in Directory.GetFiles(_dir)) File.Delete(f);
        _store = SqliteResultStore.Open(file);
    }

    [Benchmark]
    public int StoreUeJsonGz()
    {
        int stored = 0;
        for (int at = 0; at < _scored.Length; at += StoreBatch)
        {
            var batch = new ArraySegment<ScoredRecord>(_scored, at, Math.Min(StoreBatch, _scored.Length - at));
            stored += _store!.WriteAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
        }
        return stored;
    }

    [IterationCleanup(Target = nameof(StoreUeJsonGz))]
    public void CloseStore() => _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
