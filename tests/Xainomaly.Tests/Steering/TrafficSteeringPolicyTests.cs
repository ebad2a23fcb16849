using System.Text.Json;

using Xainomaly.Detection;

namespace Xainomaly.Tests.Steering;

public sealed class TrafficSteeringPolicyTests
{
    /// <summary>A predictor whose throughput is the RSRP field itself, so cases can be built with exact numbers.</summary>
    private sealed class RsrpIsThroughput : IThroughputPredictor
    {
        public List<double> Loads { get; } = [];

        public double Predict(double rsrp, double rsrq, double sinr, double load)
        {
            Loads.Add(load);
            return rsrp;
        }
    }

    private static CellMeasurement Cell(string id, double throughput, double? load = 50) => new(id, throughput, -11, 20, load);

    private static SteeringRequest Request(double serving, double cs, params CellMeasurement[] neighbours) =>
        new("Car-1", Cell("c1/B13", serving), neighbours, cs, "2021-06-25T11:42:33.685");

    [Fact]
    public void HandsOverOnlyAboveTheThreshold()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { ThresholdPercent = 6.25, MaxCs = 0.1 });
        // 4 → 4.25 is exactly +6.25 %: not more than the threshold.
        var at = policy.Decide(Request(4, 0.05, Cell("c2/B13", 4.25)));
        Assert.False(at.HandOver);
        Assert.Null(at.ToCell);
        Assert.Equal("c2/B13", at.BestNeighbour);
        Assert.StartsWith("no better neighbour", at.Reason, StringComparison.Ordinal);
        Assert.Null(at.ToHandOffCommand());

        var above = policy.Decide(Request(4, 0.05, Cell("c2/B13", 4.2501)));
        Assert.True(above.HandOver);
        Assert.Equal("c1/B13", above.FromCell);
        Assert.Equal("c2/B13", above.ToCell);
        Assert.StartsWith("neighbour c2/B13 predicted +6.3 % over serving", above.Reason, StringComparison.Ordinal);
        Assert.Equal(6.2525, above.Neighbours[0].GainPercent!.Value, 9);
    }

    [Fact]
    public void PicksTheBestUsableNeighbour()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput());
        var d = policy.Decide(Request(1, 0, Cell("a", 1.02), new CellMeasurement("nan", double.NaN, -11, 20), Cell("b", 3), Cell("c1/B13", 9), Cell("c", 2)));
        Assert.True(d.HandOver);
        Assert.Equal("b", d.ToCell);
        Assert.Equal(5, d.Neighbours.Count);
        Assert.True(double.IsNaN(d.Neighbours[1].Throughput));   // no measurements: skipped
        Assert.True(double.IsNaN(d.Neighbours[3].Throughput));   // the serving cell listed again: skipped
        Assert.Equal(200, d.Neighbours[2].GainPercent!.Value, 9);
        Assert.Equal(1, d.Serving.Throughput);
    }

    [Fact]
    public void ConfidenceScoreGate()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { MaxCs = 0.2 });
        var good = Cell("c2/B13", 10);
        Assert.True(policy.Decide(Request(1, 0.2, good)).HandOver);       // CS ≤ max: trusted
        var high = policy.Decide(Request(1, 0.2001, good));
        Assert.False(high.HandOver);
        Assert.StartsWith("CS 0.2001 too high (max 0.2)", high.Reason, StringComparison.Ordinal);
        Assert.Equal("c2/B13", high.BestNeighbour);                        // predictions are still logged
        Assert.False(policy.Decide(Request(1, double.NaN, good)).HandOver);
        Assert.Equal(["neighbour c2/B13 predicted +900 % over serving (10 vs 1; threshold 5 %)", "CS 0.2001 > max 0.2"], high.Reasons);
        Assert.Equal(["neighbour c2/B13 predicted +900 % over serving (10 vs 1; threshold 5 %)", "CS 0.2 ≤ max 0.2"], policy.Decide(Request(1, 0.2, good)).Reasons);
        var none = policy.Decide(Request(1, double.NaN, good));
        Assert.StartsWith("no confidence score (CS) while max CS is 0.2", none.Reason, StringComparison.Ordinal);
        Assert.Equal("no confidence score (CS) while max CS is 0.2", none.Reasons[1]);
        Assert.Null(none.ToJson()["cs"]);
    }

    [Fact]
    public void WithoutAMaximumCsIsNotChecked()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { MaxCs = null });
        var good = Cell("c2/B13", 10);
        foreach (double cs in new[] { 0, 0.9, 1e6, double.NaN })
        {
            var d = policy.Decide(Request(1, cs, good));
            Assert.True(d.HandOver);
            Assert.Equal([d.Reason], d.Reasons);
        }
        var command = policy.Decide(Request(1, double.NaN, good)).ToHandOffCommand()!;
        Assert.Null(command["cs"]);
        Assert.Contains("\"cs\":null", command.ToJsonString(), StringComparison.Ordinal);
        Assert.False(policy.Decide(Request(5, double.NaN, Cell("c2/B13", 5.1))).HandOver); // the threshold still applies
    }

    [Fact]
    public void NoNeighbours()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput());
        var d = policy.Decide(Request(1, 0));
        Assert.False(d.HandOver);
        Assert.Equal("no neighbour cells reported", d.Reason);
        Assert.Null(d.BestNeighbour);
        var onlyBad = policy.Decide(Request(1, 0, new CellMeasurement("x", -90, double.NaN, 10)));
        Assert.Equal("no neighbour with usable measurements", onlyBad.Reason);
    }

    [Fact]
    public void WorseNeighboursAreNotChosen()
    {
        var d = new TrafficSteeringPolicy(new RsrpIsThroughput()).Decide(Request(5, 0, Cell("a", 4), Cell("b", 2)));
        Assert.False(d.HandOver);
        Assert.StartsWith("no better neighbour: best a predicted -20 % over serving", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNeighbourLoadDefaultsToTheServingLoadOrTheOption()
    {
        var p = new RsrpIsThroughput();
        new TrafficSteeringPolicy(p).Decide(new SteeringRequest("u", Cell("s", 1, 77), [Cell("n", 2, null), Cell("m", 2, 12)], 0, "t"));
        Assert.Equal([77, 77, 12], p.Loads);
        p.Loads.Clear();
        new TrafficSteeringPolicy(p, new TrafficSteeringOptions { UnknownLoad = 30 }).Decide(new SteeringRequest("u", Cell("s", 1, 77), [Cell("n", 2, null)], 0, "t"));
        Assert.Equal([77, 30], p.Loads);
    }

    [Fact]
    public void HandOffCommandHasTheTsXappShape()
    {
        var d = new TrafficSteeringPolicy(new RsrpIsThroughput()).Decide(Request(1, 0.03, Cell("c4/B2", 2)));
        var json = d.ToHandOffCommand()!;
        Assert.Equal(["command", "ue", "fromCell", "toCell", "reason", "cs", "timestamp"], json.Select(kv => kv.Key).ToArray());
        using var doc = JsonDocument.Parse(json.ToJsonString());
        var r = doc.RootElement;
        Assert.Equal("HandOff", r.GetProperty("command").GetString());
        Assert.Equal("Car-1", r.GetProperty("ue").GetString());
        Assert.Equal("c1/B13", r.GetProperty("fromCell").GetString());
        Assert.Equal("c4/B2", r.GetProperty("toCell").GetString());
        Assert.Equal(0.03, r.GetProperty("cs").GetDouble());
        Assert.Equal("2021-06-25T11:42:33.685", r.GetProperty("timestamp").GetString());
        Assert.Contains("+100 %", r.GetProperty("reason").GetString());
        var log = d.ToJson();
        Assert.Equal(2.0, log["neighbours"]![0]!["throughput"]!.GetValue<double>());
    }

    [Fact]
    public void BadRequestsAndOptionsAreRejected()
    {
        var policy = new TrafficSteeringPolicy(new RsrpIsThroughput());
        Assert.Throws<ArgumentException>(() => policy.Decide(new SteeringRequest("", Cell("s", 1), [], 0, "t")));
        Assert.Throws<ArgumentException>(() => policy.Decide(new SteeringRequest("u", new CellMeasurement("s", double.NaN, -10, 10, 50), [], 0, "t")));
        Assert.Throws<ArgumentException>(() => policy.Decide(new SteeringRequest("u", Cell("s", 1, null), [], 0, "t")));
        Assert.Throws<ArgumentException>(() => new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { ThresholdPercent = -1 }));
        Assert.Throws<ArgumentException>(() => new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { MaxCs = double.NaN }));
        Assert.Throws<ArgumentException>(() => new TrafficSteeringPolicy(new RsrpIsThroughput(), new TrafficSteeringOptions { MaxCs = -0.1 }));
    }
}

public sealed class TrafficSteeringWithQoeTests(TrainedQoe qoe) : IClassFixture<TrainedQoe>
{
    [Fact]
    public void AWeakServingCellAndAStrongNeighbourGiveAHandover()
    {
        var policy = new TrafficSteeringPolicy(qoe.Result.Predictor, new TrafficSteeringOptions { ThresholdPercent = 5, MaxCs = 0.1 });
        // Serving: a cell-edge report of ue.csv's range; neighbour: a strong same-load cell.
        var serving = new CellMeasurement("c1/B13", -118, -11.5, 12, 60);
        var strong = new CellMeasurement("c2/N77", -75, -10.8, 50, 60);
        var d = policy.Decide(new SteeringRequest("Pedestrian-1", serving, [strong], 0.05, "t"));
        Assert.True(d.HandOver, d.Reason);
        Assert.Equal("c2/N77", d.ToCell);
        Assert.False(policy.Decide(new SteeringRequest("Pedestrian-1", strong, [serving], 0.05, "t")).HandOver);
        Assert.False(policy.Decide(new SteeringRequest("Pedestrian-1", serving, [strong], 0.5, "t")).HandOver);
    }
}
