using System.Net;
using System.Net.Sockets;

using NATS.Client.Core;

namespace Xainomaly.Service.Tests.Messaging;

/// <summary>Where the servers of scripts/services.sh listen, the shared data, and unique names per test.</summary>
internal static class MessagingTestEnv
{
    public static string NatsUrl => Environment.GetEnvironmentVariable("XAINOMALY_NATS_URL") ?? "nats://127.0.0.1:42220";

    public static string InfluxUrl => Environment.GetEnvironmentVariable("XAINOMALY_INFLUX_URL") ?? "http://127.0.0.1:48086";

    public static string Influxd => Environment.GetEnvironmentVariable("XAINOMALY_INFLUXD") ?? "/usr/bin/influxd";

    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Xainomaly.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Xainomaly.slnx) not found above " + AppContext.BaseDirectory);
    });

    /// <summary>A file in ../shared/data beside the repository.</summary>
    public static string Data(string file) => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "data", file));

    /// <summary>A fresh temporary directory.</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "xainomaly-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A short unique token for stream, consumer, subject and database names.</summary>
    public static string Unique() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>Service options with a stream, consumer and subjects of the test's own.</summary>
    public static ServiceOptions Options(string token, int maxDeliveries = 3, double ackWaitSeconds = 30) => new()
    {
        ModelPath = "unused.xai",
        NatsUrl = NatsUrl,
        StreamName = "T_" + token,
        ReportSubject = $"t.{token}.kpm.ue",
        ConsumerName = "c_" + token,
        AnomalySubject = $"t.{token}.ad.anomalies",
        DeadLetterSubject = $"t.{token}.kpm.dead",
        MaxDeliveries = maxDeliveries,
        AckWait = TimeSpan.FromSeconds(ackWaitSeconds),
    };

    public static async Task<NatsConnection> ConnectAsync()
    {
        var c = new NatsConnection(new NatsOpts { Url = NatsUrl, Name = "xainomaly-tests" });
        await c.ConnectAsync();
        return c;
    }

    /// <summary>A TCP port nobody listens on at the moment.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the timeout passes; returns whether it held.</summary>
    public static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            if (condition()) return true;
            await Task.Delay(25);
        }
        return condition();
    }
}
