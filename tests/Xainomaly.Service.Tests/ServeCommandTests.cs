using System.Net.Sockets;
using System.Text.Json;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Xainomaly.Cli;

namespace Xainomaly.Service.Tests;

/// <summary><c>xainomaly serve</c> on the command line: bad input fails before binding, with the CLI's exit codes.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void A_corrupt_model_file_exits_3_with_the_message_and_binds_nothing()
    {
        var dir = TestEnv.TempDir();
        var model = Path.Combine(dir, "bad.xai");
        File.WriteAllText(model, "not a model");
        int port = FreePort();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(["serve", "--model", model, "--http", $"http://127.0.0.1:{port}", "--store", Path.Combine(dir, "r.db"), "--json"], stdout, stderr);
        Assert.Equal(3, code);
        Assert.Contains("bad.xai", stderr.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Equal("bad-input", doc.RootElement.GetProperty("error").GetProperty("kind").GetString());
        // Nothing listens on the port.
        using var probe = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => probe.Connect("127.0.0.1", port));
    }

    [Fact]
    public void A_missing_model_file_exits_3_and_bad_options_exit_2()
    {
        var dir = TestEnv.TempDir();
        var stderr = new StringWriter();
        Assert.Equal(3, CliApp.Run(["serve", "--model", Path.Combine(dir, "none.xai"), "--store", Path.Combine(dir, "r.db")], new StringWriter(), stderr));
        Assert.Contains("none.xai", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, CliApp.Run(["serve", "--model", Models.Shared.TrainedPath, "--http", "ftp://x"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, CliApp.Run(["serve", "--model", Models.Shared.TrainedPath, "--influx-db", "x"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, CliApp.Run(["serve"], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public async Task Serve_runs_on_the_model_file_until_stopped_and_keeps_results_across_restarts()
    {
        var dir = TestEnv.TempDir();
        var store = Path.Combine(dir, "results.db");
        var options = new ServiceOptions { ModelPath = Models.Shared.TrainedPath, HttpUrl = "http://127.0.0.1:0", StorePath = store };
        string id;
        await using (var host = ServiceHost.Create(options))
        {
            await host.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(host.Addresses[0]) };
            using var content = new StringContent(Models.Shared.FlatRow(Models.Shared.AnomalousRows[0]), System.Text.Encoding.UTF8, "application/json");
            using var resp = await client.PostAsync("/v1/reports", content);
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
            id = doc.RootElement.GetProperty("results")[0].GetProperty("id").GetString()!;
        }
        // Disposing checkpointed the WAL into the database file.
        Assert.False(File.Exists(store + "-wal") && new FileInfo(store + "-wal").Length > 0);
        await using (var host = ServiceHost.Create(options))
        {
            await host.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(host.Addresses[0]) };
            using var resp = await client.GetAsync("/v1/explanations/" + id);
            Assert.Equal(System.Net.HttpStatusCode.OK, resp.StatusCode);
        }
    }

    [Fact]
    public async Task The_host_takes_no_configuration_file_from_the_working_directory_and_watches_no_files()
    {
        var dir = TestEnv.TempDir();
        var options = new ServiceOptions { ModelPath = Models.Shared.TrainedPath, HttpUrl = "http://127.0.0.1:0", StorePath = Path.Combine(dir, "r.db") };
        await using var host = ServiceHost.Create(options);
        var services = host.Services;
        var env = services.GetRequiredService<IHostEnvironment>();
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(env.ContentRootPath));
        var config = (IConfigurationRoot)services.GetRequiredService<IConfiguration>();
        // A file source that reloads on change keeps a recursive file-system watch on its directory for the process's life.
        foreach (var provider in config.Providers)
        {
            if (provider is FileConfigurationProvider file)
                Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes");
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
