using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xainomaly.Tests.Report;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (one page, JSON messages over a WebSocket): navigate, wait
/// for the load event, evaluate JavaScript, take a full-page screenshot, and collect console errors, uncaught
/// exceptions and failed or external network requests. The browser runs with a private profile that is deleted on
/// dispose, and with everything that phones home switched off.
/// </summary>
internal sealed class ChromiumSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<(string Method, JsonObject Params)> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiver;
    private int _nextId;

    private ChromiumSession(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser: <c>XAINOMALY_CHROMIUM</c>, else /usr/bin/chromium.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("XAINOMALY_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>Console errors, uncaught exceptions and log errors seen so far.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Requests that failed, with their URL and reason.</summary>
    public List<string> FailedRequests { get; } = [];

    /// <summary>Every request URL the page made.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>Starts the browser and attaches to its first page.</summary>
    /// <exception cref="InvalidOperationException">The browser is missing or did not open its DevTools port.</exception>
    public static async Task<ChromiumSession> StartAsync(int width = 1280, int height = 900)
    {
        string exe = Executable;
        if (!File.Exists(exe))
            throw new InvalidOperationException($"Chromium not found at {exe}: run scripts/services.sh start (installs Debian's chromium) or set XAINOMALY_CHROMIUM.");
        string profile = Path.Combine(Path.GetTempPath(), "xainomaly-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", $"--window-size={width},{height}",
            $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
        })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        // Drain the browser's chatter so its pipes never fill up and block it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var session = new ChromiumSession(process, profile);
        try
        {
            int port = await session.WaitForPortAsync(TimeSpan.FromSeconds(60));
            string wsUrl = await PageSocketUrlAsync(port);
            await session._socket.ConnectAsync(new Uri(wsUrl), CancellationToken.None);
            session._receiver = Task.Run(session.ReceiveLoopAsync);
            await session.SendAsync("Runtime.enable");
            await session.SendAsync("Log.enable");
            await session.SendAsync("Network.enable");
            await session.SendAsync("Page.enable");
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task<int> WaitForPortAsync(TimeSpan timeout)
    {
        string file = Path.Combine(_profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode} before opening its DevTools port.");
            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file);
                if (lines.Length > 0 && int.TryParse(lines[0], out int port) && port > 0) return port;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"Chromium did not write {file} within {timeout.TotalSeconds:F0} s.");
    }

    private static async Task<string> PageSocketUrlAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var list = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")) as JsonArray;
            foreach (var t in list ?? [])
                if (t?["type"]?.GetValue<string>() == "page" && t["webSocketDebuggerUrl"]?.GetValue<string>() is { } url) return url;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("Chromium has no page target.");
    }

    /// <summary>Sends one command and waits for its result.</summary>
    /// <exception cref="InvalidOperationException">The browser answered with an error.</exception>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
        if (done != tcs.Task) throw new TimeoutException($"DevTools command {method} got no answer.");
        var reply = await tcs.Task;
        if (reply["error"] is JsonObject error) throw new InvalidOperationException($"DevTools {method}: {error.ToJsonString()}");
        return reply["result"] as JsonObject ?? [];
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url, TimeSpan? timeout = null)
    {
        var limit = Stopwatch.StartNew();
        int seen = _events.Count;
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        while (limit.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            if (_events.Skip(seen).Any(e => e.Method == "Page.loadEventFired")) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{url} did not finish loading.");
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its value (JSON).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (r["exceptionDetails"] is JsonObject ex) throw new InvalidOperationException($"JavaScript failed: {ex.ToJsonString()}");
        return r["result"]?["value"]?.DeepClone();
    }

    /// <summary>A PNG of the whole page (up to <paramref name="maxHeight"/> CSS pixels tall).</summary>
    public async Task<byte[]> ScreenshotAsync(int maxHeight = 20000)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics");
        var size = metrics["cssContentSize"] ?? metrics["contentSize"];
        double w = size?["width"]?.GetValue<double>() ?? 1280, h = Math.Min(size?["height"]?.GetValue<double>() ?? 900, maxHeight);
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = w, ["height"] = h, ["scale"] = 1 },
        }, TimeSpan.FromSeconds(120));
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray()) as JsonObject;
                message.SetLength(0);
                if (node is null) continue;
                if (node["id"] is JsonValue idValue && _pending.TryRemove(idValue.GetValue<int>(), out var tcs)) tcs.TrySetResult(node);
                else if (node["method"]?.GetValue<string>() is { } method) OnEvent(method, node["params"] as JsonObject ?? []);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    private void OnEvent(string method, JsonObject p)
    {
        _events.Enqueue((method, p));
        lock (Errors)
        {
            switch (method)
            {
                case "Runtime.consoleAPICalled" when p["type"]?.GetValue<string>() is "error" or "assert":
                    Errors.Add("console: " + p["args"]?.ToJsonString());
                    break;
                case "Runtime.exceptionThrown":
                    Errors.Add("exception: " + p["exceptionDetails"]?.ToJsonString());
                    break;
                case "Log.entryAdded" when LogLevel(p) == "error":
                    Errors.Add("log: " + (p["entry"] as JsonObject)?.ToJsonString());
                    break;
                case "Network.requestWillBeSent":
                    Requests.Add(p["request"]?["url"]?.GetValue<string>() ?? "?");
                    break;
                case "Network.loadingFailed":
                    FailedRequests.Add($"{p["requestId"]}: {p["errorText"]} (blocked: {p["blockedReason"]})");
                    break;
            }
        }
    }

    private static string? LogLevel(JsonObject p) => p["entry"] is JsonObject entry && entry["level"] is JsonValue v ? v.GetValue<string>() : null;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", new CancellationTokenSource(2000).Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        if (_receiver is not null) await Task.WhenAny(_receiver, Task.Delay(2000));
        _socket.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(10_000).Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }
        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
