using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>The O-RAN SC AD xApp's degradation rule over a UE's recent records.</summary>
public sealed class DegradationTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2021, 6, 25, 11, 42, 33, TimeSpan.Zero);

    private static UeKpiPoint P(int s, double tput, double rsrp, double rsrq) => new(T0.AddSeconds(s), tput, rsrp, rsrq, 20, 50, 0, false);

    [Fact]
    public void Each_KPI_is_compared_with_the_UE_s_recent_maximum_by_its_margin()
    {
        var t = new DegradationTracker(throughputDropPercent: 30, rsrpDropDb: 10, rsrqDropDb: 5, history: 20);
        Assert.Null(t.Observe("ue", P(0, 10, -80, -10), anomalous: true)); // no history yet
        Assert.Null(t.Observe("ue", P(1, 8, -85, -12), anomalous: false));
        Assert.Null(t.Observe("ue", P(2, 7.01, -89.9, -14.9), anomalous: true)); // just inside every margin
        Assert.Equal("Throughput", t.Observe("ue", P(3, 6.99, -80, -10), anomalous: true));
        Assert.Equal("RSRP", t.Observe("ue", P(4, 10, -90.1, -10), anomalous: true));
        Assert.Equal("RSRQ", t.Observe("ue", P(5, 10, -80, -15.1), anomalous: true));
        Assert.Equal("Throughput RSRP RSRQ", t.Observe("ue", P(6, 0, -120, -20), anomalous: true));
        // Normal records are never blamed, and other UEs have their own history.
        Assert.Null(t.Observe("ue", P(7, 0, -120, -20), anomalous: false));
        Assert.Null(t.Observe("other", P(7, 0, -120, -20), anomalous: true));
        Assert.Equal(8, t.History("ue").Length);
        Assert.Equal(["other", "ue"], t.Ues());
    }

    [Fact]
    public void Only_the_last_records_count_and_re_sent_records_are_not_added_twice()
    {
        var t = new DegradationTracker(30, 10, 5, history: 3);
        t.Observe("ue", P(0, 100, -60, -8), false); // will fall out of the ring
        t.Observe("ue", P(1, 10, -80, -10), false);
        t.Observe("ue", P(2, 10, -80, -10), false);
        t.Observe("ue", P(2, 10, -80, -10), false); // re-sent
        t.Observe("ue", P(3, 10, -80, -10), false);
        var h = t.History("ue");
        Assert.Equal([T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(3)], h.Select(p => p.Timestamp));
        // Against the last three records (max 10 Mbit/s, −80 dBm), 8 Mbit/s and −85 dBm are no degradation.
        Assert.Null(t.Observe("ue", P(4, 8, -85, -10), anomalous: true));
    }

    [Fact]
    public void Records_arriving_late_are_judged_against_earlier_records_only()
    {
        var t = new DegradationTracker(30, 10, 5, 20);
        t.Observe("ue", P(10, 1, -100, -20), false);
        // A record from before the stored one: there is no earlier history, so no cause.
        Assert.Null(t.Observe("ue", P(5, 0.5, -101, -21), anomalous: true));
    }

    [Fact]
    public void Margins_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DegradationTracker(130, 10, 5, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DegradationTracker(30, 10, 5, 0));
    }
}
