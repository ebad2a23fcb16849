using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>
/// A stand-in for the service's pipeline and SQLite store: reads flat test records <c>{"ue-id","measTimeStampRf","v"}</c>,
/// rejects those without <c>ue-id</c>, throws for <c>"fail":true</c>, and stores idempotently by (ue-id, timestamp),
/// counting every write attempt so that tests see redeliveries.
/// </summary>
internal sealed class FakeStorePipeline : IReportPipeline
{
    private long _attempts;

    public ConcurrentDictionary<string, string> Stored { get; } = new();

    /// <summary>Records handed to the store, including repeats of already stored ones.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Called after a batch is stored and before the pipeline returns (e.g. to simulate a crash there).</summary>
    public Func<IReadOnlyList<RecordOutcome>, CancellationToken, Task>? AfterStore { get; set; }

    /// <summary>Per-instance tag of who stored a record first (for load-splitting tests).</summary>
    public string Tag { get; init; } = "";

    public async Task<IReadOnlyList<RecordOutcome>> ProcessAsync(IReadOnlyList<IncomingReport> reports, CancellationToken cancellationToken)
    {
        var outcomes = new List<RecordOutcome>(reports.Count);
        for (int i = 0; i < reports.Count; i++)
        {
            using var doc = JsonDocument.Parse(reports[i].Json);
            var root = doc.RootElement;
            if (root.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
                throw new InvalidOperationException("the store failed on this record");
            if (!root.TryGetProperty("ue-id", out var ue) || ue.ValueKind != JsonValueKind.String)
            {
                outcomes.Add(new RecordOutcome(i, false, "ue-id: missing required field", null));
                continue;
            }
            var ts = DateTimeOffset.Parse(root.GetProperty("measTimeStampRf").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var record = new ScoredRecord
            {
                Id = ue.GetString() + "|" + ts.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                UeId = ue.GetString()!,
                Timestamp = ts,
                ReceivedAt = DateTimeOffset.UtcNow,
                Kpis = new Dictionary<string, double> { ["v"] = root.TryGetProperty("v", out var v) ? v.GetDouble() : 0 },
                Score = 0,
                Threshold = 1,
                Anomalous = false,
            };
            outcomes.Add(new RecordOutcome(i, true, null, record));
        }
        foreach (var o in outcomes)
        {
            if (o.Record is null) continue;
            Interlocked.Increment(ref _attempts);
            Stored.TryAdd(o.Record.Id, Tag);
        }
        if (AfterStore is { } hook) await hook(outcomes, cancellationToken);
        return outcomes;
    }

    /// <summary>The measurement time of <see cref="Record"/>'s <paramref name="second"/>.</summary>
    public static DateTimeOffset Time(int second) =>
        new DateTimeOffset(2021, 6, 25, 11, second / 60 % 60, second % 60, second / 3600 % 1000, TimeSpan.Zero);

    /// <summary>A flat test record as JSON.</summary>
    public static string Record(string ue, int second, double v = 0) =>
        $"{{\"ue-id\":\"{ue}\",\"measTimeStampRf\":\"2021-06-25T11:{second / 60 % 60:00}:{second % 60:00}.{second / 3600 % 1000:000}\",\"v\":{v.ToString(CultureInfo.InvariantCulture)}}}";
}
