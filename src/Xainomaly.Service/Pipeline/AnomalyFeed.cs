namespace Xainomaly.Service.Pipeline;

/// <summary>
/// The in-process feed of recent anomalies the dashboard polls: a bounded ring with a sequence number per entry,
/// so a client asks for "everything after n" and never misses or repeats one while it keeps up.
/// </summary>
public sealed class AnomalyFeed(int capacity)
{
    private readonly ScoredRecord[] _items = new ScoredRecord[Math.Max(1, capacity)];
    private readonly Lock _gate = new();
    private long _next = 1;

    /// <summary>Sequence number the next anomaly gets (1 for the first).</summary>
    public long Next
    {
        get
        {
            lock (_gate) return _next;
        }
    }

    /// <summary>Appends anomalies in order.</summary>
    public void Add(IReadOnlyList<ScoredRecord> anomalies)
    {
        lock (_gate)
        {
            foreach (var a in anomalies)
            {
                _items[_next % _items.Length] = a;
                _next++;
            }
        }
    }

    /// <summary>The anomalies with sequence numbers above <paramref name="after"/> still held, oldest first, at most <paramref name="max"/> (the newest).</summary>
    public IReadOnlyList<(long Seq, ScoredRecord Record)> Since(long after, int max)
    {
        lock (_gate)
        {
            long first = Math.Max(Math.Max(after + 1, _next - _items.Length), 1);
            first = Math.Max(first, _next - max);
            var list = new List<(long, ScoredRecord)>((int)Math.Max(0, _next - first));
            for (long s = first; s < _next; s++) list.Add((s, _items[s % _items.Length]));
            return list;
        }
    }
}
