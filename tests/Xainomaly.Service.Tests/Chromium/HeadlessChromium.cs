using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xainomaly.Service.Tests.Chromium;

/// <summary>
/// Headless Chromium for tests, driven over the DevTools protocol: starts the browser with a private profile and
/// <c>--remote-debugging-port=0</c>, reads the chosen port from <c>DevToolsActivePort</c>, opens one page target and
/// records console errors and uncaught exceptions. Dispose closes the browser and deletes the profile.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly CdpClient _cdp;
    private readonly List<string> _errors = [];
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeadlessChromium(Process process, string profile, CdpClient cdp, string sessionId)
    {
        _process = process;
        _profile = profile;
        _cdp = cdp;
        SessionId = sessionId;
    }

    /// <summary>The page's DevTools session.</summary>
    public string SessionId { get; }

    /// <summary>Console errors, uncaught exceptions and error log entries seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors) return [.. _errors];
        }
    }

    /// <summary>Starts Chromium (<paramref name="executable"/>) and opens a blank page of the given size.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(string executable, int width = 1280, int height = 900)
    {
        if (!File.Exists(executable)) throw new FileNotFoundException($"Chromium not found at {executable} (set XAINOMALY_CHROMIUM or run scripts/services.sh start).", executable);
        var profile = Path.Combine(Path.GetTempPath(), "xainomaly-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
            "--remote-debugging-port=0", $"--window-size={width},{height}", "about:blank",
        }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Chromium did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            string[]? lines = null;
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited) throw new InvalidOperationException($"Chromium exited with code {process.ExitCode} before opening DevTools.");
                if (File.Exists(portFile))
                {
                    lines = (await File.ReadAllTextAsync(portFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    if (lines.Length >= 2) break;
                }
                await Task.Delay(100);
            }
            if (lines is null || lines.Length < 2) throw new TimeoutException("Chromium did not write DevToolsActivePort within 60 s.");
            var cdp = await CdpClient.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None);
            var target = await cdp.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
            var attached = await cdp.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
            var browser = new HeadlessChromium(process, profile, cdp, attached.GetProperty("sessionId").GetString()!);
            cdp.OnEvent(browser.OnEvent);
            foreach (var domain in new[] { "Page.enable", "Runtime.enable", "Log.enable" }) await cdp.SendAsync(domain, null, browser.SessionId);
            await cdp.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false }, browser.SessionId);
            return browser;
        }
        catch
        {
            Kill(process);
            TryDelete(profile);
            throw;
        }
    }

    /// <summary>Navigates and waits for the load event.</summary>
    public async Task NavigateAsync(string url)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await _cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = url }, SessionId);
        if (result.TryGetProperty("errorText", out var e) && e.GetString() is { Length: > 0 } text) throw new InvalidOperationException($"Navigation to {url} failed: {text}");
        await _loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Evaluates a script expression (promises awaited) and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var r = await _cdp.SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true }, SessionId);
        if (r.TryGetProperty("exceptionDetails", out var ex)) throw new InvalidOperationException("Script failed: " + ex.GetRawText());
        return r.GetProperty("result").TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    /// <summary>Polls <paramref name="expression"/> until it is true.</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var v = await EvaluateAsync(expression);
            if (v.ValueKind == JsonValueKind.True) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for: {expression}");
            await Task.Delay(100);
        }
    }

    /// <summary>Clicks the centre of the first element matching <paramref name="selector"/> with real mouse events.</summary>
    public async Task ClickAsync(string selector)
    {
        var rect = await EvaluateAsync($$"""(() => { const e = document.querySelector({{JsonSerializer.Serialize(selector)}}); if (!e) return null; e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()""");
        if (rect.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"No element matches {selector}.");
        double x = rect.GetProperty("x").GetDouble(), y = rect.GetProperty("y").GetDouble();
        foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
        {
            var p = new JsonObject { ["type"] = type, ["x"] = x, ["y"] = y };
            if (type != "mouseMoved")
            {
                p["button"] = "left";
                p["clickCount"] = 1;
            }
            await _cdp.SendAsync("Input.dispatchMouseEvent", p, SessionId);
        }
    }

    /// <summary>A PNG screenshot of the page.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var r = await _cdp.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, SessionId);
        return Convert.FromBase64String(r.GetProperty("data").GetString()!);
    }

    private void OnEvent(string method, string? session, JsonElement p)
    {
        if (session != SessionId) return;
        switch (method)
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Runtime.consoleAPICalled" when p.GetProperty("type").GetString() is "error" or "assert":
                lock (_errors) _errors.Add("console: " + p.GetProperty("args").GetRawText());
                break;
            case "Runtime.exceptionThrown":
                lock (_errors) _errors.Add("exception: " + p.GetProperty("exceptionDetails").GetRawText());
                break;
            case "Log.entryAdded" when p.GetProperty("entry").GetProperty("level").GetString() == "error":
                lock (_errors) _errors.Add("log: " + p.GetProperty("entry").GetRawText());
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cdp.SendAsync("Browser.close", timeout: TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Net.WebSockets.WebSocketException)
        {
            // Killed below.
        }
        await _cdp.DisposeAsync();
        if (!_process.WaitForExit(5000)) Kill(_process);
        _process.Dispose();
        TryDelete(_profile);
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing; the temp directory is cleaned up by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
