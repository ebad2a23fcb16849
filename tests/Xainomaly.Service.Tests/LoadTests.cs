using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>
/// A short load run over HTTP with fastSHAP-C explanations: concurrent batch POSTs, every record accounted for,
/// throughput and request latency percentiles written to <c>service-load.json</c> in the test results directory.
/// XAINOMALY_LOAD_SECONDS lengthens the run (the figures in docs/service.md come from a longer one).
/// </summary>
public sealed class LoadTests
{
    private static Models M => Models.Shared;

    [Fact]
    public async Task Batched_posts_with_explanations_are_all_stored_and_the_rate_is_measured()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("XAINOMALY_LOAD_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 2;
        int batchSize = 200, clients = 4;
        await using var svc = await RunningService.StartAsync(M.Trained, ExplainerFiles.Load(M.ExplainerPath, M.Trained, 32), o => o with { ExplainAll = Environment.GetEnvironmentVariable("XAINOMALY_LOAD_EXPLAIN_ALL") == "1" });
        // Distinct records: every batch shifts the timestamps, so each one is stored (no idempotent short cut).
        var t0 = new DateTime(2021, 6, 25, 12, 0, 0, DateTimeKind.Utc);
        int sent = 0;
        string NextBatch() => NextBatchOf(batchSize);
        string NextBatchOf(int size)
        {
            int first = Interlocked.Add(ref sent, size) - size;
            var items = new string[size];
            for (int i = 0; i < size; i++)
            {
                int n = first + i;
                items[i] = M.FlatRow(n % M.Table.RowCount, d =>
                {
                    d["ue-id"] = "load-" + (n % 50).ToString(CultureInfo.InvariantCulture);
                    d["measTimeStampRf"] = t0.AddMilliseconds(n).ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);
                });
            }
            return Models.Array(items);
        }
        // Warm-up (JIT, SQLite pages).
        await svc.PostAsync(NextBatch());
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        int accepted = 0;
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < deadline)
            {
                var body = NextBatch();
                long start = Stopwatch.GetTimestamp();
                var (status, json) = await svc.PostAsync(body);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Assert.Equal(200, status);
                Interlocked.Add(ref accepted, json.GetProperty("accepted").GetInt32());
            }
            lock (latencies) latencies.AddRange(mine);
        }).ToArray();
        await Task.WhenAll(workers);
        double elapsed = clock.Elapsed.TotalSeconds;
        Assert.Equal(sent, accepted + batchSize); // the warm-up batch is counted in sent but not here
        var store = (Storage.IResultStore)svc.Host.Services.GetService(typeof(Storage.IResultStore))!;
        Assert.Equal(sent, await store.CountAsync(default));
        // Latency of single records posted one at a time (a light load), client side.
        var single = new List<double>();
        var singleClock = Stopwatch.StartNew();
        while (singleClock.Elapsed < TimeSpan.FromSeconds(Math.Max(1, seconds / 3)))
        {
            var one = NextBatchOf(1);
            long start = Stopwatch.GetTimestamp();
            var (status, _) = await svc.PostAsync(one);
            single.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Assert.Equal(200, status);
        }
        single.Sort();
        latencies.Sort();
        static double Q(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];
        double P(double q) => Q(latencies, q);
        double explained = await svc.MetricAsync("xainomaly_explanations_total");
        Assert.True(explained > 0);
        var report = new JsonObject
        {
            ["command"] = "service-load",
            ["seconds"] = elapsed,
            ["clients"] = clients,
            ["batchRecords"] = batchSize,
            ["records"] = accepted,
            ["recordsPerSecond"] = accepted / elapsed,
            ["explained"] = explained,
            ["requestLatencyMs"] = new JsonObject { ["p50"] = P(0.50), ["p99"] = P(0.99), ["max"] = latencies[^1] },
            ["singleRecordLatencyMs"] = new JsonObject { ["requests"] = single.Count, ["p50"] = Q(single, 0.50), ["p99"] = Q(single, 0.99), ["max"] = single[^1] },
            ["serverLatencySeconds"] = new JsonObject
            {
                ["sum"] = await svc.MetricAsync("xainomaly_end_to_end_latency_seconds_sum"),
                ["count"] = await svc.MetricAsync("xainomaly_end_to_end_latency_seconds_count"),
            },
            ["batches"] = await svc.MetricAsync("xainomaly_batches_total"),
            ["stageSeconds"] = await StagesAsync(svc),
            ["loadAverage"] = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Trim() : null,
        };
        await File.WriteAllTextAsync(Path.Combine(TestEnv.ResultsDir(), "service-load.json"), report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private static async Task<JsonObject> StagesAsync(RunningService svc)
    {
        var o = new JsonObject();
        foreach (var stage in Metrics.ServiceMetrics.StageNames) o[stage] = await svc.MetricAsync($"xainomaly_stage_seconds_total{{stage=\"{stage}\"}}");
        return o;
    }
}
