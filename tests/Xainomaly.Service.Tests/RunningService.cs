using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

using Xainomaly.Detection;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests;

/// <summary>A real service on Kestrel at 127.0.0.1 with a free port and a temporary SQLite store, plus a client.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private RunningService(ServiceHost host, HttpClient client, string storePath)
    {
        Host = host;
        Client = client;
        StorePath = storePath;
    }

    public ServiceHost Host { get; }

    public HttpClient Client { get; }

    public string StorePath { get; }

    public static async Task<RunningService> StartAsync(DetectorModel model, IRecordExplainer? explainer = null, Func<ServiceOptions, ServiceOptions>? tune = null, string? storePath = null)
    {
        storePath ??= Path.Combine(TestEnv.TempDir(), "results.db");
        var options = new ServiceOptions { ModelPath = "(in memory)", HttpUrl = "http://127.0.0.1:0", StorePath = storePath };
        if (tune is not null) options = tune(options);
        var host = ServiceHost.Create(options, model, explainer);
        await host.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(host.Addresses[0]), Timeout = TimeSpan.FromSeconds(60) };
        return new RunningService(host, client, storePath);
    }

    public async Task<(int Status, JsonElement Body)> PostAsync(string json, string contentType = "application/json")
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Client.PostAsync("/v1/reports", content);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    public async Task<(int Status, JsonElement Body)> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    public async Task<string> MetricsAsync() => await Client.GetStringAsync("/metrics");

    /// <summary>The value of one sample line of /metrics (e.g. <c>xainomaly_records_rejected_total{reason="non_finite"}</c>).</summary>
    public async Task<double> MetricAsync(string sample)
    {
        foreach (var line in (await MetricsAsync()).Split('\n'))
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
                return double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"No sample '{sample}' in /metrics.");
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return default;
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
