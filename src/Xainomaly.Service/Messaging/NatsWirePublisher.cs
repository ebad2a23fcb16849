using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Xainomaly.Service.Messaging;

/// <summary>
/// A minimal NATS client for the load generator: plain TCP, publishes with a reply subject on one wildcard inbox, and
/// hands every reply (a JetStream publish ack) to a callback on its own reader thread. The replay writes a whole
/// pacing tick (or a window slice at max rate) with one socket send; the general client takes a lock, starts a
/// timeout timer and flushes once per message and hops through the thread pool for every ack, which made the generator
/// cost more CPU than the service it loads.
/// </summary>
/// <remarks>Not a general client: no TLS, no reconnects (a lost connection ends the replay with the reason).</remarks>
internal sealed class NatsWirePublisher : IDisposable
{
    /// <summary>Called on the reader thread for a reply to publish <c>id</c>: its payload, and the NATS status (0 for a plain message, 503 when no stream captured the subject).</summary>
    public delegate void ReplyHandler(long id, ReadOnlySpan<byte> payload, int status);

    private const int DefaultPort = 4222;

    // Ids at and above this are the setup requests' (stream info/create), below are the caller's publishes.
    private const long RequestIds = 1L << 62;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly string _url;
    private readonly byte[] _inbox;
    private readonly object _sendLock = new();
    private readonly ReplyHandler _onReply;
    private readonly Action _afterReplies;
    private byte[] _receive = new byte[1 << 16];
    private int _receiveStart;
    private int _receiveEnd;
    private byte[] _send = new byte[1 << 16];
    private int _sendLength;
    private Thread? _reader;
    private volatile string? _closedReason;
    private volatile bool _disposed;

    private long _nextRequest = RequestIds;
    private long _requestId = -1;
    private byte[]? _requestReply;
    private int _requestStatus;
    private readonly ManualResetEventSlim _requestDone = new(false);
    private readonly Range[] _parts = new Range[6];

    private NatsWirePublisher(Socket socket, string url, ReplyHandler onReply, Action afterReplies)
    {
        _socket = socket;
        _url = url;
        _onReply = onReply;
        _afterReplies = afterReplies;
        _inbox = Encoding.ASCII.GetBytes("_INBOX.xreplay" + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant() + ".");
    }

    /// <summary>The largest payload the server accepts (from its INFO).</summary>
    public long MaxPayload { get; private set; } = 1 << 20;

    /// <summary>Why the connection ended, or null while it is open.</summary>
    public string? ClosedReason => _closedReason;

    /// <summary>Connects to a <c>nats://host:port</c> URL (user:password or a token in the URL's user part), handshakes, subscribes the inbox and starts reading.</summary>
    /// <exception cref="IOException">The server cannot be reached, refuses the connection or the credentials, or requires TLS.</exception>
    public static NatsWirePublisher Connect(Uri url, string name, ReplyHandler onReply, Action afterReplies)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(onReply);
        ArgumentNullException.ThrowIfNull(afterReplies);
        string shown = $"nats://{url.Host}:{(url.IsDefaultPort || url.Port < 0 ? DefaultPort : url.Port)}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        bool timedOut = false;
        try
        {
            // A blocking connect, cut short by closing the socket: an asynchronous connect would switch the socket to
            // the runtime's epoll engine, and every blocking send and receive after it would hop through its threads.
            using var timer = new Timer(_ =>
            {
                timedOut = true;
                socket.Dispose();
            }, null, HandshakeTimeout, Timeout.InfiniteTimeSpan);
            socket.Connect(url.Host, url.IsDefaultPort || url.Port < 0 ? DefaultPort : url.Port);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            throw new IOException($"NATS {shown}: cannot connect ({(timedOut ? "timed out" : e.Message)}).", e);
        }
        var client = new NatsWirePublisher(socket, shown, onReply, afterReplies);
        try
        {
            client.Handshake(url, name);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return client;
    }

    /// <summary>Appends a publish of <paramref name="payload"/> to <paramref name="subject"/> with reply subject inbox.<paramref name="id"/> to the send buffer (sent by <see cref="Flush"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    public void Append(ReadOnlySpan<byte> subject, long id, ReadOnlySpan<byte> payload)
    {
        // "PUB subject inbox.id size\r\npayload\r\n"
        int need = 4 + subject.Length + 1 + _inbox.Length + 20 + 1 + 11 + 2 + payload.Length + 2;
        if (_send.Length - _sendLength < need) Array.Resize(ref _send, Math.Max(_send.Length * 2, _sendLength + need));
        var span = _send.AsSpan(_sendLength);
        int n = 0;
        "PUB "u8.CopyTo(span);
        n += 4;
        subject.CopyTo(span[n..]);
        n += subject.Length;
        span[n++] = (byte)' ';
        _inbox.CopyTo(span[n..]);
        n += _inbox.Length;
        Utf8Formatter.TryFormat(id, span[n..], out int w);
        n += w;
        span[n++] = (byte)' ';
        Utf8Formatter.TryFormat(payload.Length, span[n..], out w);
        n += w;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        payload.CopyTo(span[n..]);
        n += payload.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        _sendLength += n;
    }

    /// <summary>Bytes appended and not yet sent.</summary>
    public int Buffered => _sendLength;

    /// <summary>Sends everything appended since the last flush with one socket write.</summary>
    /// <exception cref="IOException">The connection is closed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    public void Flush()
    {
        if (_sendLength == 0) return;
        lock (_sendLock) SendLocked(_send.AsSpan(0, _sendLength));
        _sendLength = 0;
    }

    /// <summary>Sends one request (a JetStream API call) and waits for its reply; null on a timeout.</summary>
    /// <returns>The reply payload and its NATS status (503: no responders, e.g. JetStream disabled).</returns>
    public (byte[] Payload, int Status)? Request(string subject, ReadOnlySpan<byte> payload, TimeSpan timeout)
    {
        long id = Interlocked.Increment(ref _nextRequest);
        _requestDone.Reset();
        _requestReply = null;
        Volatile.Write(ref _requestId, id);
        int saved = _sendLength;
        Append(Encoding.UTF8.GetBytes(subject), id, payload);
        lock (_sendLock) SendLocked(_send.AsSpan(saved, _sendLength - saved));
        _sendLength = saved;
        if (!_requestDone.Wait(timeout))
        {
            if (_closedReason is { } reason) throw new IOException($"NATS {_url}: connection lost ({reason}).");
            return null;
        }
        if (_requestReply is null) throw new IOException($"NATS {_url}: connection lost ({_closedReason}).");
        return (_requestReply, _requestStatus);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _closedReason ??= "closed";
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        _socket.Dispose();
        // The closed socket ends the reader's receive; it signals its waiters on the way out.
        _reader?.Join();
        _requestDone.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    private void SendLocked(ReadOnlySpan<byte> bytes)
    {
        if (_closedReason is { } reason) throw new IOException($"NATS {_url}: connection lost ({reason}).");
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = _socket.Send(bytes);
                bytes = bytes[sent..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _closedReason ??= e.Message;
            throw new IOException($"NATS {_url}: connection lost ({e.Message}).", e);
        }
    }

    private void Handshake(Uri url, string name)
    {
        _socket.ReceiveTimeout = (int)HandshakeTimeout.TotalMilliseconds;
        var info = ReadLine();
        if (!info.StartsWith("INFO ", StringComparison.Ordinal)) throw new IOException($"NATS {_url}: not a NATS server (it greeted with '{Shorten(info)}').");
        using (var doc = JsonDocument.Parse(info.AsMemory(5)))
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("tls_required", out var tls) && tls.ValueKind == JsonValueKind.True)
                throw new IOException($"NATS {_url}: the server requires TLS; give a tls:// URL.");
            if (root.TryGetProperty("max_payload", out var max) && max.TryGetInt64(out long m)) MaxPayload = m;
        }
        using var connect = new MemoryStream();
        using (var json = new Utf8JsonWriter(connect))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("tls_required", false);
            json.WriteString("name", name);
            json.WriteString("lang", ".NET");
            json.WriteString("version", typeof(NatsWirePublisher).Assembly.GetName().Version?.ToString() ?? "0");
            json.WriteNumber("protocol", 1);
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            if (!string.IsNullOrEmpty(url.UserInfo))
            {
                string[] parts = url.UserInfo.Split(':', 2);
                if (parts.Length == 2)
                {
                    json.WriteString("user", Uri.UnescapeDataString(parts[0]));
                    json.WriteString("pass", Uri.UnescapeDataString(parts[1]));
                }
                else
                {
                    json.WriteString("auth_token", Uri.UnescapeDataString(parts[0]));
                }
            }
            json.WriteEndObject();
        }
        var hello = new MemoryStream();
        hello.Write("CONNECT "u8);
        hello.Write(connect.GetBuffer().AsSpan(0, (int)connect.Length));
        hello.Write("\r\nPING\r\n"u8);
        lock (_sendLock) SendLocked(hello.GetBuffer().AsSpan(0, (int)hello.Length));
        while (true)
        {
            string line = ReadLine();
            if (line == "PONG") break;
            if (line.StartsWith("-ERR", StringComparison.Ordinal)) throw new IOException($"NATS {_url}: the server refused the connection ({line[4..].Trim().Trim('\'')}).");
            if (line == "PING") lock (_sendLock) SendLocked("PONG\r\n"u8);
        }
        var sub = new MemoryStream();
        sub.Write("SUB "u8);
        sub.Write(_inbox);
        sub.Write("* 1\r\n"u8);
        lock (_sendLock) SendLocked(sub.GetBuffer().AsSpan(0, (int)sub.Length));
        _socket.ReceiveTimeout = 0;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "nats-replay-reader" };
        _reader.Start();
    }

    // Reads one protocol line during the handshake (the reader thread takes over any bytes after it).
    private string ReadLine()
    {
        while (true)
        {
            int nl = _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart).IndexOf("\r\n"u8);
            if (nl >= 0)
            {
                string line = Encoding.UTF8.GetString(_receive, _receiveStart, nl);
                _receiveStart += nl + 2;
                return line;
            }
            if (!Fill()) throw new IOException($"NATS {_url}: the server closed the connection during the handshake ({_closedReason}).");
        }
    }

    // Reads more bytes after the unconsumed ones; false when the connection is closed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    private bool Fill()
    {
        if (_receiveStart > 0)
        {
            Buffer.BlockCopy(_receive, _receiveStart, _receive, 0, _receiveEnd - _receiveStart);
            _receiveEnd -= _receiveStart;
            _receiveStart = 0;
        }
        if (_receiveEnd == _receive.Length) Array.Resize(ref _receive, _receive.Length * 2);
        int n;
        try
        {
            n = _socket.Receive(_receive.AsSpan(_receiveEnd));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _closedReason ??= e is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } ? "no answer" : e.Message;
            return false;
        }
        if (n == 0)
        {
            _closedReason ??= "closed by the server";
            return false;
        }
        _receiveEnd += n;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    private void ReadLoop()
    {
        try
        {
            while (Fill())
            {
                ParseAvailable();
                _afterReplies();
            }
        }
        catch (Exception e)
        {
            // Anything the reader cannot handle (a protocol error, a failing PONG) ends the connection, not the process.
            _closedReason ??= e.Message;
        }
        finally
        {
            _closedReason ??= "closed";
            _requestDone.Set();
            _afterReplies();
        }
    }

    // Handles every complete protocol message in the receive buffer.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the load generator's hot path: see ReportReplayer
    private void ParseAvailable()
    {
        while (true)
        {
            var rest = _receive.AsSpan(_receiveStart, _receiveEnd - _receiveStart);
            int nl = rest.IndexOf("\r\n"u8);
            if (nl < 0) return;
            var line = rest[..nl];
            if (line.StartsWith("MSG "u8) || line.StartsWith("HMSG "u8))
            {
                bool headers = line[0] == (byte)'H';
                // MSG <subject> <sid> [reply] <size> | HMSG <subject> <sid> [reply] <header size> <total size>
                var parts = _parts;
                int count = Tokens(line, parts);
                if (count < 4) throw new IOException($"NATS {_url}: malformed message line from the server.");
                if (!Utf8Parser.TryParse(line[parts[count - 1]], out int total, out _) || total < 0)
                    throw new IOException($"NATS {_url}: malformed message line from the server.");
                int headerSize = 0;
                if (headers && !Utf8Parser.TryParse(line[parts[count - 2]], out headerSize, out _))
                    throw new IOException($"NATS {_url}: malformed message line from the server.");
                if (rest.Length < nl + 2 + total + 2) return; // the body is not all here yet
                var body = rest.Slice(nl + 2, total);
                Dispatch(line[parts[1]], body[..headerSize], body[headerSize..]);
                _receiveStart += nl + 2 + total + 2;
                continue;
            }
            if (line.SequenceEqual("PING"u8))
            {
                lock (_sendLock) SendLocked("PONG\r\n"u8);
            }
            else if (line.StartsWith("-ERR"u8))
            {
                // The server closes the connection after most errors; keep the reason for the report.
                _closedReason ??= Encoding.UTF8.GetString(line[4..]).Trim().Trim('\'');
            }
            // PONG, +OK and INFO updates need nothing.
            _receiveStart += nl + 2;
        }
    }

    private void Dispatch(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload)
    {
        if (!subject.StartsWith(_inbox) || !Utf8Parser.TryParse(subject[_inbox.Length..], out long id, out int used) || used != subject.Length - _inbox.Length) return;
        int status = 0;
        // "NATS/1.0 503\r\n…": a status-only reply (no responders, timeouts).
        if (headers.Length > 9 && headers.StartsWith("NATS/1.0 "u8)) Utf8Parser.TryParse(headers[9..], out status, out _);
        if (id >= RequestIds)
        {
            if (id != Volatile.Read(ref _requestId)) return;
            _requestStatus = status;
            _requestReply = payload.ToArray();
            _requestDone.Set();
            return;
        }
        _onReply(id, payload, status);
    }

    // Splits a protocol line at spaces into at most parts.Length tokens.
    private static int Tokens(ReadOnlySpan<byte> line, Range[] parts)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length && count < parts.Length)
        {
            while (i < line.Length && line[i] == (byte)' ') i++;
            if (i == line.Length) break;
            int start = i;
            while (i < line.Length && line[i] != (byte)' ') i++;
            parts[count++] = start..i;
        }
        return count;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
