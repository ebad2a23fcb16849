using System.Text;
using System.Text.Json;

using NATS.Client.Core;

using Xainomaly.Data;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Steering;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Traffic steering: the policy alone, the anomaly payload it reads, and the loop over real NATS (library and CLI).</summary>
public sealed class SteeringTests
{
    // Serving cell: SINR 10 dB, 137 of 273 PRBs used. Neighbour c2: SINR 20 dB. c3: SINR 5 dB.
    private static ScoredRecord Anomaly(string ue, double? cs) => new()
    {
        Id = ue + "|1",
        UeId = ue,
        CellId = "c1/B13",
        DuId = "1001",
        Timestamp = new DateTimeOffset(2021, 6, 25, 11, 42, 33, 685, TimeSpan.Zero),
        ReceivedAt = DateTimeOffset.UtcNow,
        Kpis = new Dictionary<string, double>
        {
            ["rsrp"] = -100,
            ["rsrq"] = -12,
            ["rssinr"] = 10,
            ["prb_usage"] = 137,
            ["throughput"] = 0.05,
            ["rsrp_nb0"] = -85,
            ["rsrq_nb0"] = -10.8,
            ["rssinr_nb0"] = 20,
            ["rsrp_nb1"] = -110,
            ["rsrq_nb1"] = -15,
            ["rssinr_nb1"] = 5,
        },
        NeighbourCells = ["c2/B13", "c3/B13"],
        Score = 0.9,
        Threshold = 0.5,
        Anomalous = true,
        ConfidenceScore = cs,
        Degradation = "RSRP",
        TopFeatures = [new FeatureContribution("rsrp", 0.3, -100)],
    };

    [Fact]
    public void The_payload_carries_the_oran_fields_and_what_steering_needs()
    {
        byte[] json = AnomalyPayload.Write(Anomaly("Car-1", 0.2));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("Car-1", root.GetProperty("ue-id").GetString());
        Assert.Equal(1001, root.GetProperty("du-id").GetInt32());
        Assert.Equal("2021-06-25T11:42:33.685", root.GetProperty("measTimeStampRf").GetString());
        Assert.Equal("RSRP", root.GetProperty("Degradation").GetString());
        Assert.Equal(0.9, root.GetProperty("score").GetDouble());
        Assert.Equal(0.2, root.GetProperty("cs").GetDouble());
        Assert.Equal("rsrp", root.GetProperty("top_features")[0].GetProperty("feature").GetString());

        var parsed = AnomalyMessage.Parse(json);
        Assert.Equal(new CellMeasurement("c1/B13", -100, -12, 10, 137), parsed.Serving);
        Assert.Equal([new CellMeasurement("c2/B13", -85, -10.8, 20, null), new CellMeasurement("c3/B13", -110, -15, 5, null)], parsed.Neighbours);
        Assert.Equal(0.2, parsed.Cs);
    }

    [Fact]
    public void Unreadable_anomaly_messages_name_the_problem()
    {
        Assert.Contains("not valid JSON", Assert.Throws<DataFormatException>(() => AnomalyMessage.Parse("{oops"u8)).Message, StringComparison.Ordinal);
        Assert.Contains("'ue-id'", Assert.Throws<DataFormatException>(() => AnomalyMessage.Parse("{\"cs\":1}"u8)).Message, StringComparison.Ordinal);
        Assert.Contains("expected a JSON object", Assert.Throws<DataFormatException>(() => AnomalyMessage.Parse("[1]"u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_compares_predicted_throughput_by_the_threshold_and_gates_on_cs()
    {
        var predictor = new ShannonThroughputPredictor();
        var message = AnomalyMessage.Parse(AnomalyPayload.Write(Anomaly("Car-1", 0.2)));
        // By hand: free share 1 − 137/273 for both (neighbours take the serving load); log2(1+10) vs log2(1+100).
        double free = 1 - (137 / 273.0);
        double serving = Math.Log2(11) * free, best = Math.Log2(101) * free;
        double gain = (best - serving) / serving * 100; // ≈ 92.5 %

        var d = new ThresholdSteeringPolicy(predictor, new SteeringOptions { ThresholdPercent = 5, MaxCs = 0.5 }).Decide(message);
        Assert.True(d.HandOff);
        Assert.Equal(("c1/B13", "c2/B13"), (d.FromCell, d.ToCell));
        Assert.Equal(serving, d.ServingPrediction!.Value, 12);
        Assert.Equal(best, d.BestPrediction!.Value, 12);
        Assert.Equal(gain, d.GainPercent!.Value, 9);

        Assert.False(new ThresholdSteeringPolicy(predictor, new SteeringOptions { ThresholdPercent = gain + 0.01 }).Decide(message).HandOff);
        Assert.True(new ThresholdSteeringPolicy(predictor, new SteeringOptions { ThresholdPercent = gain - 0.01 }).Decide(message).HandOff);

        var tooUnsure = new ThresholdSteeringPolicy(predictor, new SteeringOptions { ThresholdPercent = 5, MaxCs = 0.1 }).Decide(message);
        Assert.False(tooUnsure.HandOff);
        Assert.Contains("CS 0.2 > max 0.1", tooUnsure.Reasons);

        var noCs = AnomalyMessage.Parse(AnomalyPayload.Write(Anomaly("Car-1", null)));
        Assert.False(new ThresholdSteeringPolicy(predictor, new SteeringOptions { MaxCs = 1 }).Decide(noCs).HandOff);
        Assert.True(new ThresholdSteeringPolicy(predictor, new SteeringOptions()).Decide(noCs).HandOff);

        var alone = message with { Neighbours = [] };
        Assert.False(new ThresholdSteeringPolicy(predictor, new SteeringOptions()).Decide(alone).HandOff);
    }

    [Fact]
    public async Task The_loop_publishes_a_handoff_when_the_neighbour_is_better_and_not_when_cs_is_too_high()
    {
        string token = MessagingTestEnv.Unique();
        var options = new SteeringOptions { ThresholdPercent = 5, MaxCs = 0.5, AnomalySubject = $"t.{token}.ad", CommandSubject = $"t.{token}.ts" };
        await using var nats = await MessagingTestEnv.ConnectAsync();
        await using var commands = await nats.SubscribeCoreAsync<byte[]>(options.CommandSubject);
        var decisions = new List<SteeringDecision>();
        var loop = new TrafficSteeringLoop(nats, new ThresholdSteeringPolicy(new ShannonThroughputPredictor(), options), options)
        {
            Decided = (_, d, _) =>
            {
                lock (decisions) decisions.Add(d);
            },
        };
        var run = loop.RunAsync(maxAnomalies: 3, CancellationToken.None);
        await loop.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));

        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-1", 0.9))); // CS too high
        await nats.PublishAsync(options.AnomalySubject, "not json"u8.ToArray());                      // skipped, counted
        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-2", 0.2))); // hand over
        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-3", 0.6))); // CS too high
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, loop.Anomalies);
        Assert.Equal(1, loop.HandOffs);
        Assert.Equal(1, loop.InvalidMessages);
        Assert.Equal([false, true, false], decisions.Select(d => d.HandOff));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var msg = await commands.Msgs.ReadAsync(cts.Token);
        using var doc = JsonDocument.Parse(msg.Data!);
        var root = doc.RootElement;
        Assert.Equal("HandOff", root.GetProperty("command").GetString());
        Assert.Equal("Car-2", root.GetProperty("ue").GetString());
        Assert.Equal("c1/B13", root.GetProperty("fromCell").GetString());
        Assert.Equal("c2/B13", root.GetProperty("toCell").GetString());
        Assert.Equal(0.2, root.GetProperty("cs").GetDouble());
        Assert.Contains("RSRP degraded", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), out _));
        Assert.False(commands.Msgs.TryRead(out _)); // exactly one command
    }

    [Fact]
    public async Task The_steer_command_orders_a_handoff_logs_its_reasons_and_prints_one_json_object()
    {
        string token = MessagingTestEnv.Unique();
        string dir = MessagingTestEnv.TempDir();
        string log = Path.Combine(dir, "decisions.jsonl");
        await using var nats = await MessagingTestEnv.ConnectAsync();
        await using var commands = await nats.SubscribeCoreAsync<byte[]>($"t.{token}.ts");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var run = Task.Run(() => Xainomaly.Cli.CliApp.Run(
            ["steer", "--nats", MessagingTestEnv.NatsUrl, "--threshold-percent", "10", "--max-cs", "0.5", "--log", log,
             "--anomaly-subject", $"t.{token}.ad", "--command-subject", $"t.{token}.ts", "--max-anomalies", "1", "--seconds", "30", "--json"],
            stdout,
            stderr));
        // The command subscribes at its own pace: offer the anomaly until it is taken.
        NatsMsg<byte[]> command = default;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(25)))
        {
            while (!run.IsCompleted)
            {
                await nats.PublishAsync($"t.{token}.ad", AnomalyPayload.Write(Anomaly("Pedestrian-1", 0.25)));
                using var step = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                step.CancelAfter(200);
                try
                {
                    command = await commands.Msgs.ReadAsync(step.Token);
                    break;
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                }
            }
        }
        Assert.Equal(0, await run);
        Assert.NotNull(command.Data);
        Assert.Contains("\"toCell\":\"c2/B13\"", Encoding.UTF8.GetString(command.Data!), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("steer", doc.RootElement.EnumerateObject().First().Value.GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("handOffs").GetInt64());
        var line = File.ReadAllLines(log).Single();
        using var logged = JsonDocument.Parse(line);
        Assert.Equal("HandOff", logged.RootElement.GetProperty("decision").GetString());
        Assert.Contains(logged.RootElement.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("CS 0.25 ≤ max 0.5", StringComparison.Ordinal));
        Assert.Contains("Pedestrian-1: HandOff", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Steer_refuses_a_bad_url_and_a_negative_threshold_as_usage_errors()
    {
        var stdout = new StringWriter();
        Assert.Equal(2, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "http://x", "--json"], stdout, new StringWriter()));
        Assert.Contains("is not a NATS URL", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "nats://127.0.0.1:1", "--threshold-percent", "-1"], new StringWriter(), new StringWriter()));
    }
}
