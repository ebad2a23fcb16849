using System.Net;
using System.Text;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Influx;

/// <summary>
/// Writes records to InfluxDB 1.x (measurement <c>AD</c>, line protocol over HTTP, millisecond timestamps) in
/// batches from a bounded in-memory buffer. While InfluxDB is unreachable the records wait (the oldest are dropped,
/// and counted, beyond <see cref="ServiceOptions.InfluxBufferRecords"/>: they remain in the SQLite store) and are
/// written, with growing pauses between attempts, when it is back.
/// </summary>
public sealed class InfluxRecordSink : IRecordSink, IHostedService
{
    /// <summary>Records sent in one HTTP write.</summary>
    public const int BatchRecords = 5000;

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly ServiceOptions _options;
    private readonly ILogger<InfluxRecordSink> _logger;
    private readonly Queue<(long Seq, ScoredRecord Record)> _buffer = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _writePath;
    private Task? _loop;
    private long _nextSeq;
    private long _written;
    private long _dropped;
    private long _refused;
    private long _failures;
    private bool _databaseReady;

    /// <summary>Creates the sink; <paramref name="http"/> may be null (then the sink owns a client for <see cref="ServiceOptions.InfluxUrl"/>).</summary>
    public InfluxRecordSink(ServiceOptions options, ILogger<InfluxRecordSink> logger, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.InfluxUrl is null) throw new ArgumentException("InfluxUrl is not set.", nameof(options));
        if (options.InfluxBufferRecords < 1) throw new ArgumentException($"InfluxBufferRecords must be at least 1, not {options.InfluxBufferRecords}.", nameof(options));
        _options = options;
        _logger = logger;
        _http = http ?? new HttpClient { BaseAddress = new Uri(options.InfluxUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
        _writePath = "write?db=" + Uri.EscapeDataString(options.InfluxDatabase) + "&precision=ms";
    }

    /// <inheritdoc />
    public int Pending
    {
        get
        {
            lock (_buffer) return _buffer.Count;
        }
    }

    /// <summary>Records written to InfluxDB.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records dropped from a full buffer while InfluxDB was unreachable.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records InfluxDB refused as invalid (HTTP 400); they are not retried.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Failed write attempts (InfluxDB down or erroring); each is retried.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <inheritdoc />
    public void Enqueue(IReadOnlyList<ScoredRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        lock (_buffer)
        {
            foreach (var r in records)
            {
                if (_buffer.Count >= _options.InfluxBufferRecords)
                {
                    _buffer.Dequeue();
                    _dropped++;
                }
                _buffer.Enqueue((_nextSeq++, r));
            }
        }
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _loop = null;
        // One last attempt, bounded by the host's shutdown token, so that a clean stop leaves nothing behind.
        using var last = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        last.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            while (Pending > 0 && await WriteBatchAsync(last.Token).ConfigureAwait(false))
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            _logger.LogWarning("InfluxDB sink stopped with {Pending} records unwritten", Pending);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _http.Dispose();
        _signal.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = MinBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (Pending == 0) await _signal.WaitAsync(TimeSpan.FromMilliseconds(500), stop).ConfigureAwait(false);
                if (Pending == 0) continue;
                if (await WriteBatchAsync(stop).ConfigureAwait(false))
                {
                    backoff = MinBackoff;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failures);
                _databaseReady = false;
                _logger.LogWarning("InfluxDB write failed ({Message}); {Pending} records wait, retrying in {Delay} ms", e.Message, Pending, (int)backoff.TotalMilliseconds);
            }
            try
            {
                await Task.Delay(backoff, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    // Writes the oldest records; true when they left the buffer (written, or refused as invalid), false to retry later.
    private async Task<bool> WriteBatchAsync(CancellationToken cancellationToken)
    {
        if (!_databaseReady)
        {
            // CREATE DATABASE is idempotent in InfluxDB 1.x; after an outage the database may be new (fresh data dir).
            using var create = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", $"CREATE DATABASE \"{_options.InfluxDatabase.Replace("\"", "\\\"", StringComparison.Ordinal)}\"")]);
            using var created = await _http.PostAsync("query", create, cancellationToken).ConfigureAwait(false);
            if (!created.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _failures);
                _logger.LogWarning("InfluxDB refused CREATE DATABASE: {Status}", (int)created.StatusCode);
                return false;
            }
            _databaseReady = true;
        }

        var sb = new StringBuilder(BatchRecords * 600);
        long lastSeq = -1;
        int count = 0;
        lock (_buffer)
        {
            foreach (var (seq, record) in _buffer)
            {
                LineProtocol.AppendRecord(sb, record);
                lastSeq = seq;
                if (++count == BatchRecords) break;
            }
        }
        if (count == 0) return true;
        using var body = new StringContent(sb.ToString(), Encoding.UTF8, "text/plain");
        using var response = await _http.PostAsync(_writePath, body, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            Interlocked.Add(ref _written, Remove(lastSeq));
            return true;
        }
        string detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            _databaseReady = false; // the database was dropped: create it again on the next attempt
        }
        else if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            // Retrying an unparsable batch would block the buffer for ever; InfluxDB wrote the valid points of it.
            Interlocked.Add(ref _refused, Remove(lastSeq));
            _logger.LogError("InfluxDB refused part of a batch: {Detail}", detail);
            return true;
        }
        Interlocked.Increment(ref _failures);
        _logger.LogWarning("InfluxDB write answered {Status}: {Detail}", (int)response.StatusCode, detail);
        return false;
    }

    // Removes the records written up to lastSeq; some may already have been dropped by a full buffer meanwhile.
    private int Remove(long lastSeq)
    {
        int removed = 0;
        lock (_buffer)
        {
            while (_buffer.Count > 0 && _buffer.Peek().Seq <= lastSeq)
            {
                _buffer.Dequeue();
                removed++;
            }
        }
        return removed;
    }
}
