using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Xainomaly.Service.Influx;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>What <see cref="MessagingSetup.Configure"/> registers for each option.</summary>
public sealed class MessagingSetupTests
{
    [Fact]
    public async Task Nats_and_influx_options_register_the_ingest_the_publisher_and_the_sink()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Xainomaly.Service.Pipeline.IReportPipeline>(new FakeStorePipeline());
        MessagingSetup.Configure(services, new ServiceOptions { ModelPath = "m", NatsUrl = MessagingTestEnv.NatsUrl, InfluxUrl = MessagingTestEnv.InfluxUrl });
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<NatsAnomalyPublisher>(provider.GetRequiredService<IAnomalyPublisher>());
        Assert.IsType<InfluxRecordSink>(provider.GetRequiredService<IRecordSink>());
        var hosted = provider.GetServices<IHostedService>().Select(h => h.GetType()).ToList();
        Assert.Equal([typeof(JetStreamIngestService), typeof(InfluxRecordSink)], hosted);
    }

    [Fact]
    public void Without_nats_or_influx_nothing_is_registered_and_bad_urls_are_refused()
    {
        var services = new ServiceCollection();
        MessagingSetup.Configure(services, new ServiceOptions { ModelPath = "m" });
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService) || d.ServiceType == typeof(IAnomalyPublisher) || d.ServiceType == typeof(IRecordSink));
        Assert.Contains("is not a NATS URL", Assert.Throws<ArgumentException>(() => MessagingSetup.Configure(new ServiceCollection(), new ServiceOptions { ModelPath = "m", NatsUrl = "localhost" })).Message, StringComparison.Ordinal);
        Assert.Contains("is not an HTTP URL", Assert.Throws<ArgumentException>(() => MessagingSetup.Configure(new ServiceCollection(), new ServiceOptions { ModelPath = "m", InfluxUrl = "nats://x" })).Message, StringComparison.Ordinal);
        Assert.Contains("WarmUpTimeout must be positive", Assert.Throws<ArgumentException>(() => MessagingSetup.Configure(new ServiceCollection(), new ServiceOptions { ModelPath = "m", NatsUrl = "nats://127.0.0.1:4222", WarmUpTimeout = TimeSpan.Zero })).Message, StringComparison.Ordinal);
    }
}
