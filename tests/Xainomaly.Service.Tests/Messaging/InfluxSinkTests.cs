using System.Diagnostics;
using System.Text.Json;

using Microsoft.Extensions.Logging.Abstractions;

using Xainomaly.Service.Influx;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>The InfluxDB sink against real influxd 1.x: the shared one of scripts/services.sh, and private ones it starts and stops.</summary>
public sealed class InfluxSinkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Records_are_written_with_escaped_names_and_rewriting_a_record_overwrites_its_point()
    {
        string db = "t_" + MessagingTestEnv.Unique();
        var options = new ServiceOptions { ModelPath = "unused", InfluxUrl = MessagingTestEnv.InfluxUrl, InfluxDatabase = db };
        var sink = new InfluxRecordSink(options, NullLogger<InfluxRecordSink>.Instance);
        await sink.StartAsync(CancellationToken.None);
        var records = new List<ScoredRecord>
        {
            InfluxTestRecords.Make("Waiting passenger 1", "c1/B13", 0, anomalous: true),
            InfluxTestRecords.Make("a,b=c d", "cell=x, y", 0, anomalous: false),
            InfluxTestRecords.Make("Car-1", "c2/B13", 0, anomalous: false),
        };
        sink.Enqueue(records);
        sink.Enqueue([records[0] with { Score = 0.875 }]); // same UE and timestamp: the same point, new score
        Assert.True(await MessagingTestEnv.WaitUntil(() => sink.Pending == 0, Patience), $"pending {sink.Pending}");
        await sink.DisposeAsync();
        Assert.Equal(4, sink.Written);

        var rows = await QueryAsync(MessagingTestEnv.InfluxUrl, db, "SELECT * FROM \"AD\" GROUP BY *");
        Assert.Equal(3, rows.Count);
        var waiting = rows.Single(r => r["ue"] == "Waiting passenger 1");
        Assert.Equal("c1/B13", waiting["cell"]);
        Assert.Equal("0.875", waiting["score"]);
        Assert.Equal("true", waiting["anomalous"]);
        Assert.Equal("RSRP \"serving\"", waiting["degradation"]);
        Assert.Equal("prb usage, dl", waiting["top2_feature"]);
        Assert.Equal("-90.5", waiting["rsrp"]);
        Assert.Equal("1624621352685", waiting["time"]);
        var odd = rows.Single(r => r["ue"] == "a,b=c d");
        Assert.Equal("cell=x, y", odd["cell"]);
    }

    [Fact]
    public async Task While_influxd_is_down_records_wait_in_the_buffer_and_are_written_when_it_is_back()
    {
        await using var influx = new PrivateInfluxd();
        string db = "t_" + MessagingTestEnv.Unique();
        var options = new ServiceOptions { ModelPath = "unused", InfluxUrl = influx.Url, InfluxDatabase = db };
        var sink = new InfluxRecordSink(options, NullLogger<InfluxRecordSink>.Instance);
        await sink.StartAsync(CancellationToken.None);

        // Down from the start: everything waits.
        sink.Enqueue([.. Enumerable.Range(0, 50).Select(i => InfluxTestRecords.Make("UE-" + (i % 5), "c1", i * 10, false))]);
        Assert.True(await MessagingTestEnv.WaitUntil(() => sink.Failures >= 2, Patience));
        Assert.Equal(50, sink.Pending);
        Assert.Equal(0, sink.Written);

        await influx.StartAsync();
        Assert.True(await MessagingTestEnv.WaitUntil(() => sink.Pending == 0, Patience), $"pending {sink.Pending}, failures {sink.Failures}");
        Assert.Equal(50, sink.Written);

        // Down again mid-stream, then back: the second lot waits too and nothing is lost.
        await influx.StopAsync();
        sink.Enqueue([.. Enumerable.Range(50, 30).Select(i => InfluxTestRecords.Make("UE-" + (i % 5), "c1", i * 10, false))]);
        long failures = sink.Failures;
        Assert.True(await MessagingTestEnv.WaitUntil(() => sink.Failures > failures, Patience));
        Assert.Equal(30, sink.Pending);
        await influx.StartAsync();
        Assert.True(await MessagingTestEnv.WaitUntil(() => sink.Pending == 0, Patience), $"pending {sink.Pending}");
        await sink.DisposeAsync();

        var rows = await QueryAsync(influx.Url, db, "SELECT * FROM \"AD\" GROUP BY *");
        Assert.Equal(80, rows.Count);
        Assert.Equal(0, sink.Dropped);
    }

    [Fact]
    public async Task A_full_buffer_drops_the_oldest_records_and_counts_them()
    {
        int port = MessagingTestEnv.FreePort(); // nobody listens there
        var options = new ServiceOptions { ModelPath = "unused", InfluxUrl = $"http://127.0.0.1:{port}", InfluxDatabase = "x", InfluxBufferRecords = 5 };
        var sink = new InfluxRecordSink(options, NullLogger<InfluxRecordSink>.Instance);
        sink.Enqueue([.. Enumerable.Range(0, 8).Select(i => InfluxTestRecords.Make("UE", "c1", i, false))]);
        Assert.Equal(5, sink.Pending);
        Assert.Equal(3, sink.Dropped);
        await sink.DisposeAsync();
    }

    /// <summary>Rows of a query as column → value text, tags included.</summary>
    internal static async Task<List<Dictionary<string, string>>> QueryAsync(string baseUrl, string db, string q)
    {
        using var http = new HttpClient();
        string url = $"{baseUrl}/query?db={Uri.EscapeDataString(db)}&epoch=ms&q={Uri.EscapeDataString(q)}";
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
        var rows = new List<Dictionary<string, string>>();
        var result = doc.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series)) return rows;
        foreach (var s in series.EnumerateArray())
        {
            var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            foreach (var v in s.GetProperty("values").EnumerateArray())
            {
                var row = new Dictionary<string, string>();
                if (s.TryGetProperty("tags", out var tags))
                    foreach (var t in tags.EnumerateObject()) row[t.Name] = t.Value.GetString() ?? "";
                int i = 0;
                foreach (var cell in v.EnumerateArray())
                {
                    string name = columns[i++];
                    if (cell.ValueKind == JsonValueKind.Null) continue;
                    row[name] = cell.ValueKind == JsonValueKind.String ? cell.GetString()! : cell.GetRawText();
                }
                rows.Add(row);
            }
        }
        return rows;
    }

    /// <summary>An influxd of the test's own on free ports, with its data in a temporary directory.</summary>
    private sealed class PrivateInfluxd : IAsyncDisposable
    {
        private readonly string _dir = MessagingTestEnv.TempDir();
        private readonly int _port = MessagingTestEnv.FreePort();
        private readonly int _rpcPort = MessagingTestEnv.FreePort();
        private Process? _process;

        public string Url => $"http://127.0.0.1:{_port}";

        public async Task StartAsync()
        {
            string config = Path.Combine(_dir, "influxdb.conf");
            await File.WriteAllTextAsync(config, $"""
                reporting-disabled = true
                bind-address = "127.0.0.1:{_rpcPort}"
                [meta]
                  dir = "{_dir}/meta"
                [data]
                  dir = "{_dir}/data"
                  wal-dir = "{_dir}/wal"
                [http]
                  bind-address = "127.0.0.1:{_port}"
                  log-enabled = false
                """);
            _process = Process.Start(new ProcessStartInfo(MessagingTestEnv.Influxd, ["-config", config])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("influxd did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            using var http = new HttpClient();
            bool up = await MessagingTestEnv.WaitUntil(
                () =>
                {
                    try
                    {
                        return http.GetAsync(Url + "/ping").Result.IsSuccessStatusCode;
                    }
                    catch (AggregateException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30));
            if (!up) throw new TimeoutException("the private influxd did not answer /ping");
        }

        public async Task StopAsync()
        {
            if (_process is null) return;
            _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
            _process = null;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
