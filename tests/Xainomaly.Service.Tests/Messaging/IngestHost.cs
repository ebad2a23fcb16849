using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using NATS.Client.Core;

using Xainomaly.Service.Messaging;
using Xainomaly.Service.Pipeline;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>A host wired as the service wires messaging (<see cref="MessagingSetup.Configure"/>) around a given pipeline.</summary>
internal sealed class IngestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private IngestHost(IHost host) => _host = host;

    public IngestStatistics Statistics => _host.Services.GetRequiredService<IngestStatistics>();

    public IServiceProvider Services => _host.Services;

    public static async Task<IngestHost> StartAsync(ServiceOptions options, IReportPipeline pipeline)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(pipeline);
        MessagingSetup.Configure(builder.Services, options);
        var host = builder.Build();
        await host.StartAsync();
        var h = new IngestHost(host);
        if (!await MessagingTestEnv.WaitUntil(() => h.Statistics.Ready, TimeSpan.FromSeconds(10)))
            throw new TimeoutException("the ingest did not bind its consumer: " + h.Statistics.LastError);
        return h;
    }

    /// <summary>Simulates a crash: the NATS connection drops at once (in-flight acks are lost), then the host goes.</summary>
    public async Task KillAsync()
    {
        await ((NatsConnection)_host.Services.GetRequiredService<INatsConnection>()).DisposeAsync();
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await _host.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
            await ((IAsyncDisposable)_host).DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
            // already killed
        }
    }
}
