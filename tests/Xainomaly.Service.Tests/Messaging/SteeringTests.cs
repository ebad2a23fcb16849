using System.Text;
using System.Text.Json;

using NATS.Client.Core;

using Xainomaly.Data;
using Xainomaly.Detection;
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
        var request = message.ToRequest("2021-06-25T11:42:34.000Z");
        // By hand: free share 1 − 137/273 for both (neighbours take the serving load); log2(1+10) vs log2(1+100).
        double free = 1 - (137 / 273.0);
        double serving = Math.Log2(11) * free, best = Math.Log2(101) * free;
        double gain = (best - serving) / serving * 100; // ≈ 92.5 %

        var d = new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { ThresholdPercent = 5, MaxCs = 0.5 }).Decide(request);
        Assert.True(d.HandOver);
        Assert.Equal(("c1/B13", "c2/B13"), (d.FromCell, d.ToCell));
        Assert.Equal(serving, d.Serving.Throughput, 12);
        Assert.Equal(best, d.BestPrediction!.Throughput, 12);
        Assert.Equal(gain, d.BestPrediction.GainPercent!.Value, 9);
        Assert.Equal(0.2, d.Cs);
        Assert.Equal("2021-06-25T11:42:34.000Z", d.Timestamp);

        Assert.False(new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { ThresholdPercent = gain + 0.01, MaxCs = null }).Decide(request).HandOver);
        Assert.True(new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { ThresholdPercent = gain - 0.01, MaxCs = null }).Decide(request).HandOver);

        var tooUnsure = new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { ThresholdPercent = 5, MaxCs = 0.1 }).Decide(request);
        Assert.False(tooUnsure.HandOver);
        Assert.Contains("CS 0.2 > max 0.1", tooUnsure.Reasons);
        Assert.Equal("c2/B13", tooUnsure.BestNeighbour); // the comparison is still logged

        // No CS in the message: vetoed when a maximum is set, not checked when none is.
        var noCs = AnomalyMessage.Parse(AnomalyPayload.Write(Anomaly("Car-1", null))).ToRequest("t");
        Assert.True(double.IsNaN(noCs.Cs));
        var vetoed = new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { MaxCs = 1 }).Decide(noCs);
        Assert.False(vetoed.HandOver);
        Assert.StartsWith("no confidence score (CS)", vetoed.Reason, StringComparison.Ordinal);
        var unchecked_ = new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { MaxCs = null }).Decide(noCs);
        Assert.True(unchecked_.HandOver);
        Assert.Single(unchecked_.Reasons);
        using (var cmd = JsonDocument.Parse(HandOffCommand.Write(unchecked_, 7, null)))
            Assert.Equal(JsonValueKind.Null, cmd.RootElement.GetProperty("cs").ValueKind);

        var alone = message with { Neighbours = [] };
        Assert.False(new TrafficSteeringPolicy(predictor, new TrafficSteeringOptions { MaxCs = null }).Decide(alone.ToRequest("t")).HandOver);

        var noServing = message with { Serving = null };
        Assert.Contains("no serving-cell measurements", Assert.Throws<DataFormatException>(() => noServing.ToRequest("t")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_handoff_command_is_the_policys_with_the_sequence_number_and_the_degradation()
    {
        var request = AnomalyMessage.Parse(AnomalyPayload.Write(Anomaly("Car-1", 0.2))).ToRequest("2021-06-25T11:42:34.000Z");
        var d = new TrafficSteeringPolicy(new ShannonThroughputPredictor(), new TrafficSteeringOptions { MaxCs = 0.5 }).Decide(request);
        using var doc = JsonDocument.Parse(HandOffCommand.Write(d, 42, "RSRP"));
        var root = doc.RootElement;
        Assert.Equal(["command", "seqNo", "ue", "fromCell", "toCell", "reason", "cs", "timestamp"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(42, root.GetProperty("seqNo").GetInt64());
        Assert.Equal("2021-06-25T11:42:34.000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("anomaly (RSRP degraded); " + string.Join("; ", d.Reasons), root.GetProperty("reason").GetString());
        Assert.EndsWith("; CS 0.2 ≤ max 0.5", root.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var stay = new TrafficSteeringPolicy(new ShannonThroughputPredictor(), new TrafficSteeringOptions { MaxCs = 0.1 }).Decide(request);
        Assert.Throws<ArgumentException>(() => HandOffCommand.Write(stay, 1, null));
    }

    [Fact]
    public async Task The_loop_publishes_a_handoff_when_the_neighbour_is_better_and_not_when_cs_is_too_high()
    {
        string token = MessagingTestEnv.Unique();
        var options = new SteeringOptions { AnomalySubject = $"t.{token}.ad", CommandSubject = $"t.{token}.ts" };
        var policy = new TrafficSteeringPolicy(new ShannonThroughputPredictor(), new TrafficSteeringOptions { ThresholdPercent = 5, MaxCs = 0.5 });
        await using var nats = await MessagingTestEnv.ConnectAsync();
        await using var commands = await nats.SubscribeCoreAsync<byte[]>(options.CommandSubject);
        var decisions = new List<SteeringDecision>();
        var invalid = new List<string>();
        var loop = new TrafficSteeringLoop(nats, policy, options)
        {
            Decided = (_, d, _) =>
            {
                lock (decisions) decisions.Add(d);
            },
            Invalid = reason =>
            {
                lock (decisions) invalid.Add(reason);
            },
        };
        var run = loop.RunAsync(maxAnomalies: 3, CancellationToken.None);
        await loop.Subscribed.WaitAsync(TimeSpan.FromSeconds(10));

        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-1", 0.9))); // CS too high
        await nats.PublishAsync(options.AnomalySubject, "not json"u8.ToArray());                      // skipped, counted
        await nats.PublishAsync(options.AnomalySubject, "{\"ue-id\":\"Car-9\",\"cs\":0.1}"u8.ToArray());    // no serving cell: skipped, counted
        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-2", 0.2))); // hand over
        await nats.PublishAsync(options.AnomalySubject, AnomalyPayload.Write(Anomaly("Car-3", 0.6))); // CS too high
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, loop.Anomalies);
        Assert.Equal(1, loop.HandOffs);
        Assert.Equal(2, loop.InvalidMessages);
        Assert.Equal([false, true, false], decisions.Select(d => d.HandOver));
        Assert.Contains("not valid JSON", invalid[0], StringComparison.Ordinal);
        Assert.Contains("UE Car-9: no serving-cell measurements", invalid[1], StringComparison.Ordinal);
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
        var (run, command) = await RunSteerAsync(
            nats,
            commands,
            token,
            ["steer", "--nats", MessagingTestEnv.NatsUrl, "--threshold-percent", "10", "--max-cs", "0.5", "--log", log,
             "--anomaly-subject", $"t.{token}.ad", "--command-subject", $"t.{token}.ts", "--max-anomalies", "1", "--seconds", "30", "--json"],
            AnomalyPayload.Write(Anomaly("Pedestrian-1", 0.25)),
            stdout,
            stderr);
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
        Assert.StartsWith("shannon", doc.RootElement.GetProperty("predictor").GetString(), StringComparison.Ordinal);
        Assert.Equal("c2/B13", logged.RootElement.GetProperty("toCell").GetString());
        Assert.Equal(2, logged.RootElement.GetProperty("neighbours").GetArrayLength());
    }

    [Fact]
    public async Task Steer_with_a_trained_qoe_model_decides_by_its_predictions()
    {
        string token = MessagingTestEnv.Unique();
        string dir = MessagingTestEnv.TempDir();
        string qoe = Path.Combine(dir, "qoe.xai");
        var trainOut = new StringWriter();
        Assert.Equal(0, Xainomaly.Cli.CliApp.Run(["train", "--model", "qoe", "--data", MessagingTestEnv.Data("ue.csv"), "--steps", "400", "--seed", "1", "--out", qoe, "--json"], trainOut, new StringWriter()));

        // What the model says for the message's cells: the neighbours are predicted at the serving cell's load.
        var model = QoePredictor.Load(qoe);
        double serving = model.Predict(-100, -12, 10, 137), strong = model.Predict(-85, -10.8, 20, 137), weak = model.Predict(-110, -15, 5, 137);
        Assert.True(strong > serving * 1.02 && strong > weak, $"precondition: the trained model ranks the strong neighbour first ({strong} vs {serving}, {weak})");
        double gain = 100 * (strong - serving) / serving;
        var expected = Inv($"neighbour c2/B13 predicted {gain:+0.#;-0.#;0} % over serving ({strong:0.####} vs {serving:0.####}; threshold 2 %)");
        // The Shannon default would say otherwise, so the numbers show which predictor decided.
        var shannon = new ShannonThroughputPredictor();
        Assert.NotEqual(Inv($"{serving:0.####}"), Inv($"{shannon.Predict(-100, -12, 10, 137):0.####}"));

        await using var nats = await MessagingTestEnv.ConnectAsync();
        await using var commands = await nats.SubscribeCoreAsync<byte[]>($"t.{token}.ts");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (run, command) = await RunSteerAsync(
            nats,
            commands,
            token,
            ["steer", "--nats", MessagingTestEnv.NatsUrl, "--qoe", qoe, "--threshold-percent", "2", "--max-cs", "0.5",
             "--anomaly-subject", $"t.{token}.ad", "--command-subject", $"t.{token}.ts", "--max-anomalies", "1", "--seconds", "30", "--json"],
            AnomalyPayload.Write(Anomaly("Car-7", 0.05)),
            stdout,
            stderr);
        Assert.True(0 == await run, stdout.ToString() + stderr.ToString());
        Assert.True(command.Data is not null, stdout.ToString() + stderr.ToString());
        using var cmd = JsonDocument.Parse(command.Data!);
        Assert.Equal("Car-7", cmd.RootElement.GetProperty("ue").GetString());
        Assert.Equal("c2/B13", cmd.RootElement.GetProperty("toCell").GetString());
        Assert.Equal($"anomaly (RSRP degraded); {expected}; CS 0.05 ≤ max 0.5", cmd.RootElement.GetProperty("reason").GetString());
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("qoe model " + qoe, doc.RootElement.GetProperty("predictor").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("handOffs").GetInt64());
    }

    [Fact]
    public void Steer_refuses_a_missing_or_foreign_qoe_file_as_bad_input()
    {
        string dir = MessagingTestEnv.TempDir();
        var stdout = new StringWriter();
        Assert.Equal(3, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "nats://127.0.0.1:1", "--qoe", Path.Combine(dir, "none.xai"), "--json"], stdout, new StringWriter()));
        Assert.Contains("none.xai", stdout.ToString(), StringComparison.Ordinal);
        string junk = Path.Combine(dir, "junk.xai");
        File.WriteAllText(junk, "not a model");
        stdout = new StringWriter();
        Assert.Equal(3, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "nats://127.0.0.1:1", "--qoe", junk, "--json"], stdout, new StringWriter()));
        Assert.Contains("junk.xai", stdout.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs <c>steer</c> and offers <paramref name="anomaly"/> until a command comes back or the command ends (it subscribes at its own pace).</summary>
    private static async Task<(Task<int> Run, NatsMsg<byte[]> Command)> RunSteerAsync(NatsConnection nats, INatsSub<byte[]> commands, string token, string[] args, byte[] anomaly, StringWriter stdout, StringWriter stderr)
    {
        var run = Task.Run(() => Xainomaly.Cli.CliApp.Run(args, stdout, stderr));
        NatsMsg<byte[]> command = default;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(25));
        while (!run.IsCompleted)
        {
            await nats.PublishAsync($"t.{token}.ad", anomaly);
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
        // The command may have decided and quit between two offers: its command is then already on the way.
        if (command.Data is null && commands.Msgs.TryRead(out var late)) command = late;
        if (command.Data is null)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                command = await commands.Msgs.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return (run, command);
    }

    private static string Inv(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Steer_refuses_a_bad_url_and_a_negative_threshold_as_usage_errors()
    {
        var stdout = new StringWriter();
        Assert.Equal(2, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "http://x", "--json"], stdout, new StringWriter()));
        Assert.Contains("is not a NATS URL", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "nats://127.0.0.1:1", "--threshold-percent", "-1"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, Xainomaly.Cli.CliApp.Run(["steer", "--nats", "nats://127.0.0.1:1", "--max-cs", "-0.1"], new StringWriter(), new StringWriter()));
    }
}
