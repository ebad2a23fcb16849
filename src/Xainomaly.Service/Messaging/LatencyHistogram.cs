namespace Xainomaly.Service.Messaging;

/// <summary>
/// End-to-end latencies, weighted by record count, for percentiles without keeping every sample: 0.1 ms buckets up to
/// 10 ms (the near-RT RIC loop's lower bound, where resolution matters), then buckets 1 % wide up to 1,000 s, so a
/// percentile of a backlog that takes seconds to drain is still read to within 1 %. Thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Width of a bucket below <see cref="LinearLimitMs"/>, in milliseconds.</summary>
    public const double BucketMs = 0.1;

    /// <summary>Upper end of the linear buckets, in milliseconds; above it buckets grow by <see cref="Growth"/>.</summary>
    public const double LinearLimitMs = 10;

    /// <summary>Ratio of the upper to the lower edge of a bucket above <see cref="LinearLimitMs"/>.</summary>
    public const double Growth = 1.01;

    /// <summary>Largest latency with a bucket of its own, in milliseconds; longer ones share the overflow bucket.</summary>
    public const double LimitMs = 1_000_000;

    private const int LinearBuckets = (int)(LinearLimitMs / BucketMs);
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int LogBuckets = (int)Math.Ceiling(Math.Log(LimitMs / LinearLimitMs) / LogGrowth);
    private static readonly int Buckets = LinearBuckets + LogBuckets;

    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;
    private double _maxMs;
    private double _sumMs;

    /// <summary>Records observed.</summary>
    public long Count => Interlocked.Read(ref _total);

    /// <summary>Largest latency observed, in milliseconds.</summary>
    public double MaxMs
    {
        get
        {
            lock (_counts) return _maxMs;
        }
    }

    /// <summary>Adds <paramref name="records"/> records that took <paramref name="latency"/>.</summary>
    public void Record(TimeSpan latency, long records = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        double ms = Math.Max(0, latency.TotalMilliseconds);
        int b = Bucket(ms);
        lock (_counts)
        {
            _counts[b] += records;
            _total += records;
            _sumMs += ms * records;
            if (ms > _maxMs) _maxMs = ms;
        }
    }

    /// <summary>
    /// The latency (ms, upper edge of its bucket, never above the largest observed) below which a fraction
    /// <paramref name="p"/> of records fall; NaN when empty.
    /// </summary>
    public double Percentile(double p)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "expected a fraction in [0, 1]");
        lock (_counts)
        {
            if (_total == 0) return double.NaN;
            long rank = Math.Max(1, (long)Math.Ceiling(p * _total));
            long seen = 0;
            for (int b = 0; b < Buckets; b++)
            {
                seen += _counts[b];
                if (seen >= rank) return Math.Min(UpperEdge(b), _maxMs);
            }
            return _maxMs;
        }
    }

    /// <summary>Sum of all recorded latencies in milliseconds (each record counted once).</summary>
    public double SumMs
    {
        get
        {
            lock (_counts) return _sumMs;
        }
    }

    /// <summary>
    /// Records whose latency fell at or below <paramref name="ms"/>, counting whole buckets only (exact at bucket edges,
    /// e.g. every multiple of <see cref="BucketMs"/> up to <see cref="LinearLimitMs"/>; otherwise the buckets that end
    /// at or below it) — the cumulative count of a Prometheus histogram bucket.
    /// </summary>
    public long CountAtMost(double ms)
    {
        lock (_counts)
        {
            long n = 0;
            for (int b = 0; b < Buckets; b++)
            {
                // A small tolerance: the edges are computed, and 10 ms must include the bucket ending at 9.9999….
                if (UpperEdge(b) > ms * (1 + 1e-9)) break;
                n += _counts[b];
            }
            return n;
        }
    }

    /// <summary>Forgets every observation (e.g. after a warm-up).</summary>
    public void Reset()
    {
        lock (_counts)
        {
            Array.Clear(_counts);
            _total = 0;
            _maxMs = 0;
            _sumMs = 0;
        }
    }

    private static int Bucket(double ms)
    {
        if (ms < LinearLimitMs) return Math.Min((int)(ms / BucketMs), LinearBuckets - 1);
        if (ms >= LimitMs) return Buckets;
        int b = LinearBuckets + (int)(Math.Log(ms / LinearLimitMs) / LogGrowth);
        return Math.Min(b, Buckets - 1);
    }

    private static double UpperEdge(int b) =>
        b < LinearBuckets ? (b + 1) * BucketMs : LinearLimitMs * Math.Exp((b - LinearBuckets + 1) * LogGrowth);
}
