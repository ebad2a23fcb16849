using Xainomaly.Service.Messaging;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Percentiles of the ingest latency histogram against exact percentiles of the same samples.</summary>
public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_match_the_exact_ones_to_the_bucket_resolution_from_microseconds_to_minutes()
    {
        var rng = new Random(7);
        var h = new LatencyHistogram();
        var samples = new double[20_000];
        for (int i = 0; i < samples.Length; i++)
        {
            // Log-uniform from 0.05 ms to 100 s: both the linear and the logarithmic buckets are exercised.
            var latency = TimeSpan.FromMilliseconds(0.05 * Math.Pow(2e6, rng.NextDouble()));
            samples[i] = latency.TotalMilliseconds; // TimeSpan keeps 100 ns ticks
            h.Record(latency);
        }
        Array.Sort(samples);
        Assert.Equal(samples.Length, h.Count);
        Assert.Equal(samples[^1], h.MaxMs, 9);
        foreach (double p in new[] { 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0 })
        {
            double exact = samples[(int)Math.Ceiling(p * samples.Length) - 1];
            double got = h.Percentile(p);
            // The reported value is the upper edge of the exact sample's bucket: never below it, at most one bucket above.
            Assert.True(got >= exact - 1e-9, $"p{p}: {got} < exact {exact}");
            double slack = exact < LatencyHistogram.LinearLimitMs ? LatencyHistogram.BucketMs : exact * (LatencyHistogram.Growth - 1);
            Assert.True(got <= exact + slack + 1e-9, $"p{p}: {got} more than one bucket above exact {exact}");
        }
    }

    [Fact]
    public void Weighted_records_count_as_many_records_and_seconds_long_backlogs_are_not_capped()
    {
        var h = new LatencyHistogram();
        h.Record(TimeSpan.FromMilliseconds(2), records: 98);
        h.Record(TimeSpan.FromSeconds(8.5), records: 2);
        Assert.Equal(100, h.Count);
        Assert.InRange(h.Percentile(0.5), 2, 2.1);
        Assert.InRange(h.Percentile(0.98), 2, 2.1);
        Assert.InRange(h.Percentile(0.99), 8500 * 0.99, 8500);
        h.Reset();
        Assert.Equal(0, h.Count);
        Assert.True(double.IsNaN(h.Percentile(0.5)));
    }

    [Fact]
    public void Negative_or_enormous_latencies_land_in_the_end_buckets()
    {
        var h = new LatencyHistogram();
        h.Record(TimeSpan.FromMilliseconds(-3));
        h.Record(TimeSpan.FromHours(1));
        Assert.Equal(LatencyHistogram.BucketMs, h.Percentile(0.5), 9);
        Assert.Equal(TimeSpan.FromHours(1).TotalMilliseconds, h.Percentile(1), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Percentile(1.5));
    }

    [Fact]
    public void Counts_at_or_below_an_edge_are_exact_on_the_fine_grid_and_sum_every_record()
    {
        var h = new LatencyHistogram();
        h.Record(TimeSpan.FromMilliseconds(0.05), records: 3);
        h.Record(TimeSpan.FromMilliseconds(9.95), records: 5);
        h.Record(TimeSpan.FromMilliseconds(10.0), records: 7);
        h.Record(TimeSpan.FromMilliseconds(40), records: 2);
        Assert.Equal(0, h.CountAtMost(0.05));
        Assert.Equal(3, h.CountAtMost(0.1));
        Assert.Equal(3, h.CountAtMost(9.9));
        Assert.Equal(8, h.CountAtMost(10));
        Assert.Equal(15, h.CountAtMost(10.2));
        Assert.Equal(15, h.CountAtMost(39));
        Assert.Equal(17, h.CountAtMost(41));
        Assert.Equal(17, h.CountAtMost(1e9));
        Assert.Equal((3 * 0.05) + (5 * 9.95) + (7 * 10.0) + (2 * 40), h.SumMs, 9);
        h.Reset();
        Assert.Equal(0, h.CountAtMost(1e9));
        Assert.Equal(0, h.SumMs);
    }
}
