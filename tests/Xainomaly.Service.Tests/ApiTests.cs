using System.Net;
using System.Text;
using System.Text.Json;

namespace Xainomaly.Service.Tests;

/// <summary>The HTTP API end to end on a real Kestrel: ingest, storage, queries, idempotency, bad input, metrics, health.</summary>
public sealed class ApiTests
{
    private static Models M => Models.Shared;

    [Fact]
    public async Task One_flat_row_is_scored_stored_and_queryable()
    {
        await using var svc = await RunningService.StartAsync(M.Trained, new LinearExplainerDouble(M.Trained.Detector.InputWidth));
        int row = M.AnomalousRows[0];
        var (status, body) = await svc.PostAsync(M.FlatRow(row));
        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        var result = body.GetProperty("results")[0];
        Assert.True(result.GetProperty("anomalous").GetBoolean());
        // The same score the model gives offline.
        float expected = M.Trained.Score(M.Table, [row]).Scores[0];
        Assert.Equal(expected, result.GetProperty("score").GetDouble(), 5);

        var id = result.GetProperty("id").GetString()!;
        var (s2, anomalies) = await svc.GetJsonAsync("/v1/anomalies?ue=" + Uri.EscapeDataString(M.Table["ue-id"].Texts![row]));
        Assert.Equal(200, s2);
        Assert.Contains(anomalies.GetProperty("anomalies").EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        var (s3, explanation) = await svc.GetJsonAsync("/v1/explanations/" + id);
        Assert.Equal(200, s3);
        Assert.Equal(M.Table["ue-id"].Texts![row], explanation.GetProperty("ue-id").GetString());
        Assert.Equal(M.Table["throughput"].Numbers![row], explanation.GetProperty("kpis").GetProperty("throughput").GetDouble());
        var top = explanation.GetProperty("topFeatures");
        Assert.Equal(5, top.GetArrayLength());
        // Top features are ordered by |φ| and φ is the explainer's value for that feature.
        var x = M.Trained.Inputs(M.Table, out _, [row]);
        var names = M.Trained.InputFeatureNames;
        double previous = double.PositiveInfinity;
        foreach (var f in top.EnumerateArray())
        {
            double phi = f.GetProperty("phi").GetDouble();
            Assert.True(Math.Abs(phi) <= previous + 1e-12);
            previous = Math.Abs(phi);
            int i = IndexOf(names, f.GetProperty("feature").GetString()!);
            Assert.Equal(LinearExplainerDouble.Weight(i) * (x[i] - 0.5), phi, 6);
            // The raw KPI value is attached to numeric features.
            if (M.Table.TryGetColumn(names[i], out var col) && col.IsNumeric)
                Assert.Equal(col.Numbers![row], f.GetProperty("value").GetDouble());
        }
        double maxAbs = 0;
        for (int i = 0; i < names.Count; i++) maxAbs = Math.Max(maxAbs, Math.Abs(LinearExplainerDouble.Weight(i) * (x[i] - 0.5)));
        Assert.Equal(maxAbs, Math.Abs(top[0].GetProperty("phi").GetDouble()), 6);
        Assert.True(explanation.GetProperty("cs").ValueKind == JsonValueKind.Number);
        Assert.Equal(0.5, explanation.GetProperty("baseValue").GetDouble());
    }

    [Fact]
    public async Task A_batch_of_UE_reports_and_flat_rows_gives_one_outcome_per_UE_record_in_order()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        var t = M.Table["measTimeStampRf"].Texts!;
        // Two UE records in one report (the wire format groups UEs of one DU and time), then two flat rows.
        int[] pair = TwoUes();
        var report = M.UeReport("1001", t[pair[0]], pair);
        int a = M.NormalRows[^1], b = M.AnomalousRows[^1];
        var body = Models.Array([report, M.FlatRow(a), M.FlatRow(b)]);
        var (status, json) = await svc.PostAsync(body);
        Assert.Equal(200, status);
        Assert.Equal(4, json.GetProperty("accepted").GetInt32());
        var results = json.GetProperty("results");
        Assert.Equal(4, results.GetArrayLength());
        Assert.Equal([0, 0, 1, 2], results.EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        var scores = M.Trained.Score(M.Table, [pair[0], pair[1], a, b]).Scores;
        for (int i = 0; i < 4; i++) Assert.Equal(scores[i], results[i].GetProperty("score").GetDouble(), 5);
        Assert.False(results[2].GetProperty("anomalous").GetBoolean());
        Assert.True(results[3].GetProperty("anomalous").GetBoolean());
        var store = (Storage.IResultStore)svc.Host.Services.GetService(typeof(Storage.IResultStore))!;
        Assert.Equal(4, await store.CountAsync(default));
    }

    [Fact]
    public async Task A_batch_of_UE_reports_alone_maps_every_UE_record_to_its_report()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        var t = M.Table["measTimeStampRf"].Texts!;
        var ue = M.Table["ue-id"].Texts!;
        int[] pair = TwoUes();
        int third = Enumerable.Range(0, ue.Length).First(i => ue[i] != ue[pair[0]] && ue[i] != ue[pair[1]]);
        var body = Models.Array([M.UeReport("1001", t[pair[0]], pair), M.UeReport("1002", t[third], third)]);
        var (status, json) = await svc.PostAsync(body);
        Assert.Equal(200, status);
        var results = json.GetProperty("results");
        Assert.Equal([0, 0, 1], results.EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([ue[pair[0]], ue[pair[1]], ue[third]], results.EnumerateArray().Select(r => r.GetProperty("ue-id").GetString()));
        var scores = M.Trained.Score(M.Table, [pair[0], pair[1], third]).Scores;
        for (int i = 0; i < 3; i++) Assert.Equal(scores[i], results[i].GetProperty("score").GetDouble(), 5);
        var (_, stored) = await svc.GetJsonAsync("/v1/explanations/" + results[2].GetProperty("id").GetString());
        Assert.Equal("1002", stored.GetProperty("du-id").GetString());
    }

    [Fact]
    public async Task Re_posting_the_same_records_stores_no_duplicates()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        var rows = M.AnomalousRows.Take(5).Concat(M.NormalRows.Take(5)).ToArray();
        var body = Models.Array(rows.Select(r => M.FlatRow(r)));
        var first = await svc.PostAsync(body);
        var second = await svc.PostAsync(body);
        Assert.Equal(10, first.Body.GetProperty("accepted").GetInt32());
        Assert.Equal(10, second.Body.GetProperty("accepted").GetInt32());
        // Same (ue-id, timestamp) → same id.
        Assert.Equal(
            first.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()),
            second.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var store = (Storage.IResultStore)svc.Host.Services.GetService(typeof(Storage.IResultStore))!;
        Assert.Equal(10, await store.CountAsync(default));
        Assert.Equal(10, await svc.MetricAsync("xainomaly_stored_total"));
        var (_, anomalies) = await svc.GetJsonAsync("/v1/anomalies?limit=100");
        Assert.Equal(5, anomalies.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("nan", "non_finite", "rsrp")]
    [InlineData("missing", "missing_field", "rsrq")]
    [InlineData("unknown", "unknown_field", "rsrp_nbO")]
    [InlineData("type", "wrong_type", "throughput")]
    [InlineData("time", "bad_timestamp", "measTimeStampRf")]
    [InlineData("malformed", "malformed_json", null)]
    [InlineData("scalar", "wrong_type", null)]
    public async Task A_bad_record_is_rejected_with_its_reason_counted_and_the_rest_of_the_batch_is_scored(string defect, string kind, string? field)
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        int row = M.NormalRows[0];
        string bad = defect switch
        {
            "nan" => M.FlatRow(row).Replace("\"rsrp\":" + Num(M.Table["rsrp"].Numbers![row]), "\"rsrp\":NaN", StringComparison.Ordinal),
            "missing" => M.FlatRow(row, d => d.Remove("rsrq")),
            "unknown" => M.FlatRow(row, d => d["rsrp_nbO"] = 1.0),
            "type" => M.FlatRow(row, d => d["throughput"] = "fast"),
            "time" => M.FlatRow(row, d => d["measTimeStampRf"] = "yesterday"),
            "malformed" => "{\"ue-id\": \"Car-1\", \"rsrp\": -80,, }",
            _ => "42",
        };
        Assert.Contains(defect == "nan" ? "NaN" : "", bad, StringComparison.Ordinal);
        var (status, json) = await svc.PostAsync("[" + bad + "," + M.FlatRow(M.NormalRows[1]) + "]");
        Assert.Equal(200, status);
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, json.GetProperty("rejected").GetInt32());
        var rejected = json.GetProperty("results")[0];
        Assert.False(rejected.GetProperty("accepted").GetBoolean());
        var reason = rejected.GetProperty("reason").GetString()!;
        if (field is not null) Assert.Contains(field, reason, StringComparison.Ordinal);
        Assert.True(json.GetProperty("results")[1].GetProperty("accepted").GetBoolean());
        Assert.Equal(1, await svc.MetricAsync($"xainomaly_records_rejected_total{{reason=\"{kind}\"}}"));
        Assert.Equal(1, await svc.MetricAsync("xainomaly_records_total{source=\"http\"}"));
    }

    [Fact]
    public async Task Whole_bodies_that_are_wrong_get_4xx_and_the_service_keeps_serving()
    {
        await using var svc = await RunningService.StartAsync(M.Trained, tune: o => o with { MaxBodyBytes = 4096 });
        var (s400, e400) = await svc.PostAsync("this is not json");
        Assert.Equal(400, s400);
        Assert.Contains("not JSON", e400.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await svc.PostAsync("[{\"a\":1}")).Status);
        Assert.Equal(400, (await svc.PostAsync("")).Status);
        Assert.Equal(415, (await svc.PostAsync(M.FlatRow(0), "text/plain")).Status);
        var big = Models.Array(Enumerable.Range(0, 10).Select(r => M.FlatRow(r)));
        Assert.True(Encoding.UTF8.GetByteCount(big) > 4096);
        var (s413, e413) = await svc.PostAsync(big);
        Assert.Equal(413, s413);
        Assert.Contains("4096", e413.GetProperty("error").GetString(), StringComparison.Ordinal);
        // Chunked (no Content-Length) oversized body.
        using (var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var req = new HttpRequestMessage(HttpMethod.Post, "/v1/reports") { Content = content };
            req.Headers.TransferEncodingChunked = true;
            using var resp = await svc.Client.SendAsync(req);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, resp.StatusCode);
        }
        Assert.Equal(3, await svc.MetricAsync("xainomaly_records_rejected_total{reason=\"not_json\"}"));
        Assert.Equal(1, await svc.MetricAsync("xainomaly_records_rejected_total{reason=\"unsupported_media_type\"}"));
        Assert.Equal(2, await svc.MetricAsync("xainomaly_records_rejected_total{reason=\"body_too_large\"}"));
        var (ok, body) = await svc.PostAsync(M.FlatRow(1));
        Assert.Equal(200, ok);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Queries_check_their_parameters_and_unknown_ids_are_404()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        Assert.Equal(404, (await svc.GetJsonAsync("/v1/explanations/0123456789abcdef01234567")).Status);
        var (s1, e1) = await svc.GetJsonAsync("/v1/anomalies?since=not-a-time");
        Assert.Equal(400, s1);
        Assert.Contains("since", e1.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await svc.GetJsonAsync("/v1/anomalies?limit=0")).Status);
        Assert.Equal(400, (await svc.GetJsonAsync("/v1/anomalies?limit=abc")).Status);

        // since and limit filter: post anomalies at known times, newest first.
        var rows = M.AnomalousRows.Take(6).ToArray();
        await svc.PostAsync(Models.Array(rows.Select(r => M.FlatRow(r))));
        var times = rows.Select(r => Pipeline.RecordParser.TryParseTime(M.Table["measTimeStampRf"].Texts![r], out var t) ? t : default).OrderDescending().ToArray();
        var (_, all) = await svc.GetJsonAsync("/v1/anomalies?limit=3");
        Assert.Equal(3, all.GetProperty("count").GetInt32());
        var got = all.GetProperty("anomalies").EnumerateArray().Select(a => DateTimeOffset.Parse(a.GetProperty("measTimeStampRf").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(times.Take(3), got);
        var cut = times[2];
        var (_, since) = await svc.GetJsonAsync("/v1/anomalies?since=" + Uri.EscapeDataString(cut.ToString("O")));
        Assert.Equal(times.Count(t => t >= cut), since.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Health_and_metrics_endpoints_answer()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        Assert.Equal(0, await svc.MetricAsync("xainomaly_last_batch_timestamp_seconds"));
        var (live, l) = await svc.GetJsonAsync("/health/live");
        Assert.Equal(200, live);
        Assert.Equal("live", l.GetProperty("status").GetString());
        var (ready, r) = await svc.GetJsonAsync("/health/ready");
        Assert.Equal(200, ready);
        Assert.True(r.GetProperty("storeOpen").GetBoolean());
        double cpuBefore = await svc.MetricAsync("process_cpu_seconds_total");
        double allocatedBefore = await svc.MetricAsync("xainomaly_allocated_bytes_total");
        double before = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        await svc.PostAsync(Models.Array(M.AnomalousRows.Take(3).Select(x => M.FlatRow(x))));
        double after = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;
        double last = await svc.MetricAsync("xainomaly_last_batch_timestamp_seconds");
        Assert.InRange(last, before - 0.001, after + 0.001);
        Assert.True(await svc.MetricAsync("process_cpu_seconds_total") >= cpuBefore);
        Assert.True(await svc.MetricAsync("xainomaly_allocated_bytes_total") > allocatedBefore, "scoring three records allocates");
        Assert.True(await svc.MetricAsync("xainomaly_gc_heap_bytes") > 0);
        Assert.True(await svc.MetricAsync("xainomaly_jit_compiled_methods_total") > 100, "starting a service compiles code");
        Assert.True(await svc.MetricAsync("xainomaly_jit_seconds_total") > 0);
        Assert.True(await svc.MetricAsync("xainomaly_gc_pause_seconds_total") >= 0);
        double gen0 = await svc.MetricAsync("xainomaly_gc_collections_total{generation=\"0\"}");
        Assert.True(gen0 >= await svc.MetricAsync("xainomaly_gc_collections_total{generation=\"2\"}"), "a gen-2 collection counts in gen 0 too");
        var text = await svc.MetricsAsync();
        Assert.Contains("# TYPE xainomaly_end_to_end_latency_seconds histogram", text, StringComparison.Ordinal);
        Assert.Equal(3, await svc.MetricAsync("xainomaly_end_to_end_latency_seconds_count"));
        Assert.Equal(3, await svc.MetricAsync("xainomaly_end_to_end_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.Equal(3, await svc.MetricAsync("xainomaly_anomalies_total"));
        Assert.Equal(0, await svc.MetricAsync("xainomaly_queue_lag_records"));
        Assert.True(await svc.MetricAsync("xainomaly_warmup_seconds") > 0, "the service warms its hot path up before taking records");
        // Families by name, as Prometheus clients filter them: only what was asked for, whole (HELP, TYPE, samples).
        using (var one = await svc.Client.GetAsync("/metrics?name[]=xainomaly_stored_total&name[]=xainomaly_gc_collections_total&name[]=no_such_metric"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, one.StatusCode);
            var lines = (await one.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(
                ["# HELP xainomaly_stored_total", "# TYPE xainomaly_stored_total counter", "xainomaly_stored_total 3", "# HELP xainomaly_gc_collections_total", "# TYPE xainomaly_gc_collections_total counter",
                 "xainomaly_gc_collections_total{generation=\"0\"}", "xainomaly_gc_collections_total{generation=\"1\"}", "xainomaly_gc_collections_total{generation=\"2\"}"],
                lines.Select(l => l.StartsWith('#') ? string.Join(' ', l.Split(' ').Take(l.StartsWith("# TYPE", StringComparison.Ordinal) ? 4 : 3)) : l.StartsWith("xainomaly_gc", StringComparison.Ordinal) ? l[..l.LastIndexOf(' ')] : l));
        }
        using (var byName = await svc.Client.GetAsync("/metrics?name=xainomaly_anomalies_total"))
            Assert.Contains("xainomaly_anomalies_total 3\n", await byName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var none = await svc.Client.GetAsync("/metrics?name[]=no_such_metric"))
            Assert.Equal("", await none.Content.ReadAsStringAsync());
        var (infoStatus, info) = await svc.GetJsonAsync("/v1/info");
        Assert.Equal(200, infoStatus);
        Assert.True(info.GetProperty("warmUpSeconds").GetDouble() > 0);
        await svc.Host.StopAsync();
        Assert.ThrowsAny<Exception>(() => svc.Client.GetAsync("/health/ready").GetAwaiter().GetResult());
    }

    [Fact]
    public async Task The_degradation_cause_follows_the_UE_history()
    {
        // The rule detector flags throughput near the bottom of its range, so the test decides what is anomalous.
        await using var svc = await RunningService.StartAsync(M.Rule);
        var tput = M.Table["throughput"].Numbers!;
        double hi = tput.Max();
        int baseRow = M.NormalRows[0];
        var start = new DateTime(2021, 6, 25, 12, 0, 0, DateTimeKind.Utc);
        string Row(int second, double throughput, double rsrp, double rsrq) => M.FlatRow(baseRow, d =>
        {
            d["ue-id"] = "Car-test";
            d["measTimeStampRf"] = start.AddSeconds(second).ToString("yyyy-MM-ddTHH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            d["throughput"] = throughput;
            d["rsrp"] = rsrp;
            d["rsrq"] = rsrq;
        });
        var body = Models.Array([
            Row(0, hi, -80, -10),          // history: the maxima
            Row(1, hi * 0.9, -85, -11),
            Row(2, 0, -95, -11),           // anomalous: throughput collapsed and RSRP 15 dB down (margin 10), RSRQ 1 dB (margin 5)
            Row(3, 0, -81, -16),           // anomalous: throughput and RSRQ
        ]);
        var (status, json) = await svc.PostAsync(body);
        Assert.Equal(200, status);
        var results = json.GetProperty("results");
        Assert.False(results[0].GetProperty("anomalous").GetBoolean());
        Assert.False(results[1].GetProperty("anomalous").GetBoolean());
        Assert.True(results[2].GetProperty("anomalous").GetBoolean());
        Assert.Equal("Throughput RSRP", results[2].GetProperty("degradation").GetString());
        Assert.Equal("Throughput RSRQ", results[3].GetProperty("degradation").GetString());
        var (_, stored) = await svc.GetJsonAsync("/v1/explanations/" + results[2].GetProperty("id").GetString());
        Assert.Equal("Throughput RSRP", stored.GetProperty("degradation").GetString());
        // The first record of a new UE has no history to fall from.
        var (_, fresh) = await svc.PostAsync(M.FlatRow(baseRow, d =>
        {
            d["ue-id"] = "Car-new";
            d["throughput"] = 0.0;
        }));
        Assert.True(fresh.GetProperty("results")[0].GetProperty("anomalous").GetBoolean());
        Assert.False(fresh.GetProperty("results")[0].TryGetProperty("degradation", out _));
    }

    [Fact]
    public async Task Concurrent_requests_are_coalesced_and_each_gets_its_own_results()
    {
        await using var svc = await RunningService.StartAsync(M.Trained);
        var rows = Enumerable.Range(0, 40).ToArray();
        var tasks = rows.Select(r => svc.PostAsync(M.FlatRow(r))).ToArray();
        var all = await Task.WhenAll(tasks);
        var scores = M.Trained.Score(M.Table, rows).Scores;
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(200, all[i].Status);
            Assert.Equal(scores[i], all[i].Body.GetProperty("results")[0].GetProperty("score").GetDouble(), 5);
        }
        Assert.Equal(40, await svc.MetricAsync("xainomaly_records_total{source=\"http\"}"));
        Assert.True(await svc.MetricAsync("xainomaly_batches_total") <= 40);
    }

    private static int[] TwoUes()
    {
        var ue = M.Table["ue-id"].Texts!;
        for (int i = 1; i < ue.Length; i++) if (ue[i] != ue[0]) return [0, i];
        throw new InvalidOperationException("The simulated data has one UE only.");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidOperationException($"No feature '{name}'.");
    }

    private static string Num(double v) => JsonSerializer.Serialize(v);
}
