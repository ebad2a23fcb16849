using System.Text.Json;

using NATS.Client.JetStream;

using Xainomaly.Data;
using Xainomaly.Service.Messaging;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Replay sources (ue.json.gz, CSV, JSON lines) and the replay command into JetStream.</summary>
public sealed class ReplayTests
{
    [Fact]
    public void Ue_json_gz_replays_one_message_per_report_with_its_ue_records_counted()
    {
        var messages = ReplaySource.Load(MessagingTestEnv.Data("ue.json.gz"), limit: 100);
        long records = messages.Sum(m => (long)m.Records);
        Assert.InRange(records, 100, 100 + 20);
        // The same records as the product's reader finds in those lines.
        var table = UeReportJsonReader.ParseReports(string.Join("\n", messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Json))), "replayed");
        Assert.Equal(records, table.RowCount);
    }

    [Fact]
    public void Csv_rows_are_replayed_as_wire_format_reports()
    {
        var messages = ReplaySource.Load(MessagingTestEnv.Data("valid.csv"), limit: 50);
        Assert.All(messages, m => Assert.StartsWith("{\"ueMeasReport\":", System.Text.Encoding.UTF8.GetString(m.Json), StringComparison.Ordinal));
        long records = messages.Sum(m => (long)m.Records);
        Assert.True(records >= 50);
        var table = UeReportJsonReader.ParseReports(string.Join("\n", messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Json))), "replayed");
        Assert.Equal(records, table.RowCount);
    }

    [Fact]
    public void A_line_that_is_not_an_object_names_the_file_and_line()
    {
        string path = Path.Combine(MessagingTestEnv.TempDir(), "bad.jsonl");
        File.WriteAllText(path, "{\"ue-id\":\"a\"}\n\n[1]\n");
        var e = Assert.Throws<DataFormatException>(() => ReplaySource.Load(path, null));
        Assert.Equal(3, e.Line);
        Assert.Contains("bad.jsonl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_replay_command_publishes_every_line_into_the_stream_and_reports_the_rate()
    {
        string token = MessagingTestEnv.Unique();
        string path = Path.Combine(MessagingTestEnv.TempDir(), "flat.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 300).Select(i => FakeStorePipeline.Record("UE-" + (i % 7), i)));
        var stdout = new StringWriter();
        int code = Xainomaly.Cli.CliApp.Run(
            ["replay", path, "--rate", "3000", "--nats", MessagingTestEnv.NatsUrl, "--stream", "T_" + token, "--subject", $"t.{token}.kpm", "--json"],
            stdout,
            new StringWriter());
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.ToString());
        var root = doc.RootElement;
        Assert.Equal("replay", root.GetProperty("command").GetString());
        Assert.Equal(300, root.GetProperty("records").GetInt64());
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        // Paced at 3,000 records/s: 300 records take at least 0.1 s (a loaded machine may take longer, never shorter).
        Assert.InRange(root.GetProperty("recordsPerSecond").GetDouble(), 1, 3000 * 1.05);
        Assert.True(root.GetProperty("seconds").GetDouble() >= 299 / 3000.0);

        await using var nats = await MessagingTestEnv.ConnectAsync();
        var stream = await new NatsJSContext(nats).GetStreamAsync("T_" + token);
        Assert.Equal(300, stream.Info.State.Messages);
        await stream.DeleteAsync();
    }

    [Theory]
    [InlineData("--rate", "fast", "--nats", "nats://127.0.0.1:1")]
    [InlineData("--rate", "0", "--nats", "nats://127.0.0.1:1")]
    [InlineData("--rate", "max", "--limit", "0")]
    public void Bad_options_are_usage_errors(params string[] args)
    {
        var stdout = new StringWriter();
        int code = Xainomaly.Cli.CliApp.Run(["replay", MessagingTestEnv.Data("ue.json.gz"), .. args, "--json"], stdout, new StringWriter());
        Assert.Equal(2, code);
        Assert.Contains("\"kind\": \"usage\"", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        Assert.Equal(3, Xainomaly.Cli.CliApp.Run(["replay", "/nonexistent/x.json.gz", "--rate", "max", "--nats", "nats://127.0.0.1:1"], new StringWriter(), new StringWriter()));
    }
}
