using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xainomaly.Service.Tests.Chromium;

/// <summary>
/// A small Chrome DevTools Protocol client over one WebSocket: commands with ids and their answers, events to
/// listeners, flat sessions (<c>sessionId</c>) for page targets. Enough to load a page, run script, click and take a
/// screenshot; no dependency beyond <see cref="ClientWebSocket"/>.
/// </summary>
internal sealed class CdpClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<Action<string, string?, JsonElement>> _listeners = [];
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _receive;
    private int _nextId;

    /// <summary>Connects to a browser's DevTools WebSocket URL.</summary>
    public static async Task<CdpClient> ConnectAsync(Uri webSocketUrl, CancellationToken cancellationToken)
    {
        var client = new CdpClient();
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await client._socket.ConnectAsync(webSocketUrl, cancellationToken);
        client._receive = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Calls <paramref name="listener"/> with (method, sessionId, params) for every event.</summary>
    public void OnEvent(Action<string, string?, JsonElement> listener)
    {
        lock (_listeners) _listeners.Add(listener);
    }

    /// <summary>Sends a command and waits for its result; a protocol error becomes an <see cref="InvalidOperationException"/>.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null, TimeSpan? timeout = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null) message["sessionId"] = sessionId;
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendGate.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token);
        }
        finally
        {
            _sendGate.Release();
        }
        return await tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                Dispatch(message.GetBuffer().AsMemory(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The browser went away or we are closing.
        }
        foreach (var (_, tcs) in _pending) tcs.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    private void Dispatch(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryRemove(idElement.GetInt32(), out var tcs)) return;
            if (root.TryGetProperty("error", out var error)) tcs.TrySetException(new InvalidOperationException("DevTools error: " + error.GetRawText()));
            else tcs.TrySetResult(root.TryGetProperty("result", out var r) ? r.Clone() : default);
            return;
        }
        if (!root.TryGetProperty("method", out var method)) return;
        string? session = root.TryGetProperty("sessionId", out var s) ? s.GetString() : null;
        var p = root.TryGetProperty("params", out var pe) ? pe.Clone() : default;
        Action<string, string?, JsonElement>[] listeners;
        lock (_listeners) listeners = [.. _listeners];
        foreach (var l in listeners) l(method.GetString()!, session, p);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // Closing anyway.
        }
        if (_receive is not null) await _receive.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }
}
