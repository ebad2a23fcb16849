using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Xainomaly.Detection;
using Xainomaly.Service.Http;
using Xainomaly.Service.Messaging;
using Xainomaly.Service.Metrics;
using Xainomaly.Service.Pipeline;
using Xainomaly.Service.Storage;

namespace Xainomaly.Service;

/// <summary>
/// Builds and runs the detection service from <see cref="ServiceOptions"/>: loads the model (and explainer), opens
/// the store, wires the pipeline, the messaging side (<see cref="MessagingSetup"/>) and the HTTP API on Kestrel.
/// Everything that can fail on bad input (model, explainer, store) fails in <see cref="Create"/>, before binding.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SqliteResultStore _store;
    private bool _started;

    private ServiceHost(WebApplication app, ServiceOptions options, SqliteResultStore store)
    {
        _app = app;
        Options = options;
        _store = store;
    }

    /// <summary>The options the service runs with.</summary>
    public ServiceOptions Options { get; }

    /// <summary>The services (pipeline, store, metrics…), for tests and embedding.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The pipeline every ingest path feeds.</summary>
    public IReportPipeline Pipeline => _app.Services.GetRequiredService<IReportPipeline>();

    /// <summary>The addresses Kestrel listens on, once started (a port 0 in the options is resolved here).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>
    /// Builds the service. <paramref name="model"/> and <paramref name="explainer"/> replace loading them from the
    /// options' files (tests and embedding); <paramref name="configureServices"/> runs last and may add or replace services.
    /// </summary>
    /// <exception cref="InvalidDataException">The model, explainer or store file is unusable.</exception>
    /// <exception cref="FileNotFoundException">The model or explainer file does not exist.</exception>
    public static ServiceHost Create(ServiceOptions options, DetectorModel? model = null, IRecordExplainer? explainer = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (model is null)
        {
            if (!File.Exists(options.ModelPath)) throw new FileNotFoundException($"Model file not found: {options.ModelPath}", options.ModelPath);
            model = DetectorModel.Load(options.ModelPath);
        }
        if (explainer is null && options.ExplainerPath is not null) explainer = ExplainerFiles.Load(options.ExplainerPath, model, options.ConfidenceCoalitions);
        if (!Uri.TryCreate(options.HttpUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--http: '{options.HttpUrl}' is not an http:// URL (e.g. http://127.0.0.1:8080).");

        // The content root is the installation, not the working directory: the host would otherwise read an
        // appsettings.json lying in whatever directory serve was started from (which could reconfigure Kestrel or
        // logging), and watch that directory tree for changes to it — an inotify watch on every subdirectory, whose
        // events (a store or JetStream directory under it is written thousands of times a second) a thread of its own
        // then handles: 8 % of the machine's CPU in a profile of a run started from /tmp. Options come from the command
        // line only, so nothing is reloaded either.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = "xainomaly",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(options.HttpUrl);
        // Kestrel's own cap sits well above ours: an oversized chunked body is read to its end (and discarded) up to this
        // bound so the client receives the 413 instead of a connection torn down mid-upload.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = checked(options.MaxBodyBytes * ApiEndpoints.DrainFactor) + 1);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var store = SqliteResultStore.Open(options.StorePath);
        var metrics = new ServiceMetrics();
        var tracker = new DegradationTracker(options.ThroughputDropPercent, options.RsrpDropDb, options.RsrqDropDb, options.UeHistory);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(model);
        services.AddSingleton<IResultStore>(store);
        services.AddSingleton(metrics);
        services.AddSingleton(tracker);
        services.AddSingleton(new AnomalyFeed(options.FeedCapacity));
        if (explainer is not null) services.AddSingleton(explainer);
        services.AddSingleton(sp => new ReportPipeline(
            sp.GetRequiredService<DetectorModel>(),
            sp.GetRequiredService<IResultStore>(),
            sp.GetServices<IRecordSink>(),
            sp.GetServices<IAnomalyPublisher>(),
            sp.GetRequiredService<AnomalyFeed>(),
            sp.GetRequiredService<DegradationTracker>(),
            sp.GetRequiredService<ServiceMetrics>(),
            options,
            sp.GetService<IRecordExplainer>(),
            sp.GetService<ILogger<ReportPipeline>>()));
        services.AddSingleton<IReportPipeline>(sp => sp.GetRequiredService<ReportPipeline>());
        // Registered before the messaging services: hosted services stop in reverse order, so the consumers stop
        // taking messages first and the pipeline then drains what they handed it.
        services.AddHostedService(sp => sp.GetRequiredService<ReportPipeline>());
        MessagingSetup.Configure(services, options);
        configureServices?.Invoke(services);

        var app = builder.Build();
        metrics.Gauges.Add(("xainomaly_sink_pending_records", "Records waiting in sinks (InfluxDB) to be written.", () =>
        {
            long n = 0;
            foreach (var s in app.Services.GetServices<IRecordSink>()) n += s.Pending;
            return n;
        }
        ));
        metrics.Gauges.Add(("xainomaly_warmup_seconds", "Time the start-up warm-up took: the hot path, and with NATS the JetStream ingest (0 without one).", () =>
            WarmUpSeconds(app.Services)));
        // Fail on a model the pipeline refuses (e.g. a windowed detector) now, before binding.
        try
        {
            app.Services.GetRequiredService<ReportPipeline>();
        }
        catch
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        ApiEndpoints.Map(app, options);
        return new ServiceHost(app, options, store);
    }

    // The pipeline's warm-up and, once it has run, the JetStream ingest's (both hold the start up, one after the other).
    internal static double WarmUpSeconds(IServiceProvider services) =>
        services.GetRequiredService<ReportPipeline>().WarmUpTime.TotalSeconds
        + (services.GetService<JetStreamIngestService>()?.WarmUp?.Time.TotalSeconds ?? 0);

    /// <summary>Starts listening and processing.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    /// <summary>Runs until Ctrl-C, SIGTERM or <paramref name="cancellationToken"/>; then shuts down gracefully.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stops taking requests, drains in-flight batches and flushes the store.</summary>
    public async Task StopAsync()
    {
        if (!_started) return;
        _started = false;
        await _app.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops (when running) and releases everything, closing the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        // Registered as an instance, so the container does not own it: close it (checkpointing the WAL) here.
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}
