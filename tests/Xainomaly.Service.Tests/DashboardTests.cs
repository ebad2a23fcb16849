using Xainomaly.Service.Tests.Chromium;

namespace Xainomaly.Service.Tests;

/// <summary>The dashboard in headless Chromium over the DevTools protocol.</summary>
public sealed class DashboardTests
{
    private static Models M => Models.Shared;

    [Fact]
    public async Task The_feed_shows_a_posted_anomaly_and_clicking_it_draws_its_phi_bars()
    {
        await using var svc = await RunningService.StartAsync(M.Trained, new LinearExplainerDouble(M.Trained.Detector.InputWidth));
        await using var browser = await HeadlessChromium.LaunchAsync(TestEnv.Chromium);
        var url = svc.Host.Addresses[0];
        await browser.NavigateAsync(url + "/");
        Assert.Equal("Xainomaly — live anomalies", (await browser.EvaluateAsync("document.title")).GetString());
        await browser.WaitForAsync("document.getElementById('model').textContent.includes('ss-deepcae')", TimeSpan.FromSeconds(20));
        await browser.WaitForAsync("document.getElementById('status').textContent.startsWith('live')", TimeSpan.FromSeconds(20));

        int row = M.AnomalousRows[0];
        var (_, posted) = await svc.PostAsync(Models.Array([M.FlatRow(row), M.FlatRow(M.NormalRows[0])]));
        var id = posted.GetProperty("results")[0].GetProperty("id").GetString()!;
        var ue = M.Table["ue-id"].Texts![row];
        await browser.WaitForAsync($"document.querySelector('#feed-rows tr[data-id=\"{id}\"]') !== null", TimeSpan.FromSeconds(20));
        Assert.Equal(1, (await browser.EvaluateAsync("document.querySelectorAll('#feed-rows tr').length")).GetInt32());
        Assert.Equal(ue, (await browser.EvaluateAsync($"document.querySelector('#feed-rows tr[data-id=\"{id}\"] td:nth-child(2)').textContent")).GetString());

        await browser.ClickAsync($"#feed-rows tr[data-id=\"{id}\"]");
        await browser.WaitForAsync("document.querySelectorAll('#phi-chart rect.phi-bar').length === 5", TimeSpan.FromSeconds(20));
        var (_, stored) = await svc.GetJsonAsync("/v1/explanations/" + id);
        var top = stored.GetProperty("topFeatures");
        for (int i = 0; i < 5; i++)
        {
            var feature = (await browser.EvaluateAsync($"document.querySelectorAll('#phi-chart rect.phi-bar')[{i}].dataset.feature")).GetString();
            Assert.Equal(top[i].GetProperty("feature").GetString(), feature);
        }
        var cs = (await browser.EvaluateAsync("document.querySelector('dd[data-field^=\"CS\"]').textContent")).GetString();
        Assert.Equal(stored.GetProperty("cs").GetDouble(), double.Parse(cs!, System.Globalization.CultureInfo.InvariantCulture), 3);
        // The posted UEs have sparklines.
        await browser.WaitForAsync($"document.querySelector('.ue[data-ue=\"{ue}\"] svg.sparkline') !== null", TimeSpan.FromSeconds(20));

        var png = await browser.ScreenshotAsync();
        Assert.True(png.Length > 1000 && png[0] == 0x89 && png[1] == (byte)'P');
        await File.WriteAllBytesAsync(Path.Combine(TestEnv.ResultsDir(), "dashboard.png"), png);
        Assert.Empty(browser.Errors);
    }
}
