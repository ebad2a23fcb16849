using Xainomaly.Detection;

namespace Xainomaly.Tests.Steering;

public sealed class ShannonThroughputPredictorTests
{
    private readonly ShannonThroughputPredictor _p = new();

    [Fact]
    public void IsLog2OfOnePlusLinearSinrTimesTheFreePrbShare()
    {
        // 10 dB = 10 linear, 20 dB = 100; 137 of 273 PRBs used.
        Assert.Equal(Math.Log2(11) * (1 - (137 / 273.0)), _p.Predict(-100, -12, 10, 137), 12);
        Assert.Equal(Math.Log2(101), _p.Predict(-80, -9, 20, 0), 12);
        Assert.Equal(1, _p.Predict(0, 0, 0, 0), 12);                       // 0 dB: log2(2)
        Assert.Equal(_p.Predict(-120, -20, 5, 60), _p.Predict(-70, -3, 5, 60)); // RSRP and RSRQ do not matter
    }

    [Fact]
    public void AFullCellKeepsAFloorSoThatSinrStillRanks()
    {
        double floor = ShannonThroughputPredictor.MinFreeShare;
        Assert.Equal(Math.Log2(101) * floor, _p.Predict(-80, -9, 20, 273), 12);
        Assert.Equal(Math.Log2(101) * floor, _p.Predict(-80, -9, 20, 1000), 12);
        Assert.True(_p.Predict(-80, -9, 20, 273) > _p.Predict(-80, -9, 10, 273));
        Assert.Equal(Math.Log2(101), _p.Predict(-80, -9, 20, -5), 12);     // negative load clamps to all free
    }

    [Fact]
    public void NonFiniteInputsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => _p.Predict(-80, -9, double.NaN, 10));
        Assert.Throws<ArgumentException>(() => _p.Predict(-80, -9, 10, double.PositiveInfinity));
    }

    [Fact]
    public void ThePolicyOverItPrefersTheHigherSinrNeighbour()
    {
        var policy = new TrafficSteeringPolicy(_p, new TrafficSteeringOptions { MaxCs = null });
        var d = policy.Decide(new SteeringRequest("Car-1", new CellMeasurement("s", -100, -12, 10, 137), [new("a", -85, -10.8, 20), new("b", -110, -15, 5)], double.NaN, "t"));
        Assert.True(d.HandOver);
        Assert.Equal("a", d.ToCell);
        Assert.Equal(100 * (Math.Log2(101) - Math.Log2(11)) / Math.Log2(11), d.BestPrediction!.GainPercent!.Value, 9);
    }
}
