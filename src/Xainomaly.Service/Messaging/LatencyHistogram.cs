namespace Xainomaly.Service.Messaging;

/// <summary>
/// End-to-end latencies in 0.1 ms buckets up to 1 s (one overflow bucket above), weighted by record count, for
/// percentiles without keeping every sample. Thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Width of a bucket in milliseconds.</summary>
    public const double BucketMs = 0.1;

    private const int Buckets = 10_000;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;
    private double _maxMs;

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
        double ms = Math.Max(0, latency.TotalMilliseconds);
        int b = ms >= Buckets * BucketMs ? Buckets : (int)(ms / BucketMs);
        lock (_counts)
        {
            _counts[b] += records;
            _total += records;
            if (ms > _maxMs) _maxMs = ms;
        }
    }

    /// <summary>The latency (ms, upper edge of its bucket) below which a fraction <paramref name="p"/> of records fall; NaN when empty.</summary>
    public double Percentile(double p)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "expected a fraction in [0, 1]");
        lock (_counts)
        {
            if (_total == 0) return double.NaN;
            long rank = (long)Math.Ceiling(p * _total);
            long seen = 0;
            for (int b = 0; b < Buckets; b++)
            {
                seen += _counts[b];
                if (seen >= rank && seen > 0) return Math.Min((b + 1) * BucketMs, _maxMs);
            }
            return _maxMs;
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
        }
    }
}
