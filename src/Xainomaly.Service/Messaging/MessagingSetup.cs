using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;

using Xainomaly.Service.Influx;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service.Messaging;

/// <summary>Registers the NATS JetStream ingest, the NATS anomaly publisher and the InfluxDB sink when the options ask for them.</summary>
public static class MessagingSetup
{
    /// <summary>
    /// With <see cref="ServiceOptions.NatsUrl"/>: a <see cref="NatsConnection"/>, the <see cref="JetStreamIngestService"/>
    /// (hosted) with its <see cref="IngestStatistics"/>, and the <see cref="NatsAnomalyPublisher"/> as
    /// <see cref="IAnomalyPublisher"/>. With <see cref="ServiceOptions.InfluxUrl"/>: the <see cref="InfluxRecordSink"/>
    /// as an <see cref="IRecordSink"/> (and hosted, for its writer loop). Does nothing when neither is set.
    /// </summary>
    public static void Configure(IServiceCollection services, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(options);
        // The service host registers its metrics as an instance; the messaging side adds its gauges to it.
        ServiceMetrics? metrics = null;
        foreach (var d in services)
        {
            if (d.ServiceType == typeof(ServiceMetrics) && d.ImplementationInstance is ServiceMetrics m) metrics = m;
        }
        if (options.NatsUrl is not null)
        {
            if (!Uri.TryCreate(options.NatsUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
                throw new ArgumentException($"--nats: '{options.NatsUrl}' is not a NATS URL (expected e.g. nats://127.0.0.1:4222).", nameof(options));
            if (options.MaxDeliveries < 1)
                throw new ArgumentException($"MaxDeliveries must be at least 1, not {options.MaxDeliveries}.", nameof(options));
            if (options.WarmUpTimeout <= TimeSpan.Zero)
                throw new ArgumentException($"WarmUpTimeout must be positive, not {options.WarmUpTimeout}.", nameof(options));
            services.AddSingleton<INatsConnection>(sp => new NatsConnection(new NatsOpts
            {
                Url = options.NatsUrl,
                Name = "xainomaly-serve",
                // The service may start before NATS does, and NATS may restart under it: keep trying for ever.
                RetryOnInitialConnect = true,
                MaxReconnectRetry = -1,
                ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
                ReconnectWaitMax = TimeSpan.FromSeconds(2),
                LoggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            }));
            var statistics = new IngestStatistics();
            services.AddSingleton(statistics);
            if (metrics is not null)
            {
                metrics.Gauges.Add(("xainomaly_nats_messages_acked", "JetStream messages acknowledged (stored, rejected or dead-lettered).", () => statistics.Messages));
                metrics.Gauges.Add(("xainomaly_nats_dead_letters", "Messages or records sent to the dead-letter subject.", () => statistics.DeadLettered));
                metrics.Gauges.Add(("xainomaly_nats_retries", "Messages handed back to JetStream for another delivery after a failure.", () => statistics.Retried));
                metrics.Gauges.Add(("xainomaly_nats_consumer_ready", "1 while the JetStream consumer is bound.", () => statistics.Ready ? 1 : 0));
                metrics.Gauges.Add(("xainomaly_nats_consumer_ready_timestamp_seconds", "Unix time since which the JetStream consumer has been bound (0 while it is not).",
                    () => statistics.ReadySince is { } since ? (since - DateTime.UnixEpoch).TotalSeconds : 0));
                metrics.Gauges.Add(("xainomaly_nats_latency_p50_seconds", "Median time from JetStream storing a report to its records being stored.", () => Seconds(statistics.Latency.Percentile(0.5))));
                metrics.Gauges.Add(("xainomaly_nats_latency_p99_seconds", "99th percentile of the time from JetStream storing a report to its records being stored.", () => Seconds(statistics.Latency.Percentile(0.99))));
                // The same latencies as a histogram, so that a scrape-to-scrape difference gives the percentiles of a
                // window (e.g. steady state without the first messages), which the p50/p99 gauges above cannot.
                metrics.Histograms.Add(("xainomaly_nats_latency_seconds", "Time from JetStream storing a report to its records being stored (one count per UE report, i.e. per message).",
                    NatsLatencyEdges, s => statistics.Latency.CountAtMost(s * 1000), () => statistics.Latency.Count, () => statistics.Latency.SumMs / 1000));
            }
            services.AddSingleton<NatsAnomalyPublisher>();
            services.AddSingleton<IAnomalyPublisher>(sp => sp.GetRequiredService<NatsAnomalyPublisher>());
            services.AddSingleton<JetStreamIngestService>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JetStreamIngestService>());
        }
        if (options.InfluxUrl is not null)
        {
            if (!Uri.TryCreate(options.InfluxUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ArgumentException($"--influx: '{options.InfluxUrl}' is not an HTTP URL (expected e.g. http://127.0.0.1:8086).", nameof(options));
            InfluxRecordSink? sink = null;
            services.AddSingleton(sp => sink = new InfluxRecordSink(options, sp.GetService<ILogger<InfluxRecordSink>>() ?? NullLogger<InfluxRecordSink>.Instance));
            if (metrics is not null)
            {
                metrics.Gauges.Add(("xainomaly_influx_written", "Records written to InfluxDB.", () => sink?.Written ?? 0));
                metrics.Gauges.Add(("xainomaly_influx_dropped", "Records dropped from the full InfluxDB buffer while InfluxDB was down.", () => sink?.Dropped ?? 0));
                metrics.Gauges.Add(("xainomaly_influx_failed_writes", "Failed (retried) InfluxDB write attempts.", () => sink?.Failures ?? 0));
            }
            services.AddSingleton<IRecordSink>(sp => sp.GetRequiredService<InfluxRecordSink>());
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<InfluxRecordSink>());
        }
    }

    // Fine below 10 ms (the near-RT loop's budget), then coarser up to a minute.
    private static readonly double[] NatsLatencyEdges =
        [0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01, 0.0125, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static double Seconds(double ms) => double.IsNaN(ms) ? 0 : ms / 1000;
}
