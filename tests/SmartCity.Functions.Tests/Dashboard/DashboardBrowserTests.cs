using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using SkiaSharp;
using SmartCity.Cameras.Tests.Storage;
using Xunit.Abstractions;

namespace SmartCity.Functions.Tests.Dashboard;

/// <summary>One function app and one browser for the dashboard's browser tests (made on first use).</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DashboardApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal async Task<(DashboardApp App, IBrowser Browser)> GetAsync(string connectionString, string executable)
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                (_playwright, _browser) = await Browser.LaunchAsync(executable);
            }

            _app ??= await DashboardApp.StartAsync(connectionString);
            return (_app, _browser);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <summary>
/// The dashboard in headless Chromium against the function app in-process (<see cref="DashboardApp"/>):
/// each page loaded, an image uploaded, what is shown checked against the API's own answers, a
/// screenshot saved, and what the page cost to load (requests and bytes, from Playwright's request
/// events) printed.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class DashboardBrowserTests(AzuriteFixture azurite, DashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private async Task<(DashboardApp App, IBrowser Browser)> StartAsync()
    {
        var executable = Browser.Executable;
        Skip.If(executable is null, Browser.SkipMessage);
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        return await fixture.GetAsync(azurite.ConnectionString!, executable!);
    }

    /// <summary>A page in a fresh context (its own sessionStorage); <paramref name="withKey"/>: as if the user had typed the key in this tab before.</summary>
    private static async Task<(IBrowserContext Context, IPage Page, PageLoad Load)> OpenAsync(IBrowser browser, bool withKey)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        if (withKey)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('smartcity.functionKey', '{DashboardApp.Key}');");
        }

        var page = await context.NewPageAsync();
        var load = new PageLoad(page);
        return (context, page, load);
    }

    private string Screenshot(string name)
    {
        var path = Path.Combine(Browser.ScreenshotDirectory, name);
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    [SkippableFact]
    public async Task Try_a_model_asks_for_the_key_then_shows_labels_probabilities_explanation_and_card()
    {
        var (app, browser) = await StartAsync();
        var (context, page, _) = await OpenAsync(browser, withKey: false);
        await using var owned = context;
        var errors = new ConcurrentQueue<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Enqueue(message.Text + " @ " + message.Location); };
        var before = app.Server.Requests.Count;

        await page.GotoAsync(app.Page("#try").ToString());
        // No key yet: the host's 401 is shown as such.
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("401");
        await page.FillAsync("#key-input", DashboardApp.Key);
        await page.ClickAsync("#key-save");
        await Assertions.Expect(page.Locator("#key-state")).ToHaveTextAsync("key set for this tab");
        Assert.Equal(DashboardApp.Key, await page.EvaluateAsync<string>("sessionStorage.getItem('smartcity.functionKey')"));
        Assert.Equal(string.Empty, await page.InputValueAsync("#key-input"));
        await Assertions.Expect(page.Locator("#try-model option[value='vehicle-type']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#try-model", "vehicle-type");
        await Assertions.Expect(page.Locator("#try-card")).ToContainTextAsync("Intended use");

        var image = TestSupport.Sample("vehicles/truck106.jpg");
        await page.SetInputFilesAsync("#try-file", image);
        await Assertions.Expect(page.Locator("#try-labels tbody tr")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#try-overlay")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#try-explanation")).ToContainTextAsync("occlusion");

        // What the page shows is what the API answers for the same image.
        using var client = app.Client();
        var answer = await PostImageAsync(client, "api/models/vehicle-type/predict?top=10", image);
        var expected = answer.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().ToList();
        var shownLabels = await page.Locator("#try-labels tbody tr td:first-child").AllTextContentsAsync();
        var shownProbabilities = await page.Locator("#try-labels tbody tr td.probability").AllTextContentsAsync();
        // Two runs of the same image may land in batches of different sizes, which can swap labels whose
        // probabilities are equal to the shown decimal: compare the shown rows, not their order among equals.
        Assert.Equal(shownLabels.Count, shownProbabilities.Count);
        Assert.Equal(expected[0].GetProperty("label").GetString(), shownLabels[0]);
        Assert.Equal(
            expected.Select(p => (p.GetProperty("label").GetString()!, (p.GetProperty("probability").GetSingle() * 100).ToString("F1", CultureInfo.InvariantCulture) + " %")).Order(),
            shownLabels.Zip(shownProbabilities).Order());
        Assert.Equal(shownProbabilities, shownProbabilities.OrderByDescending(t => double.Parse(t.TrimEnd(' ', '%'), CultureInfo.InvariantCulture)));
        var first = answer.GetProperty("images")[0];
        await Assertions.Expect(page.Locator("#try-more")).ToContainTextAsync(first.GetProperty("confidence").GetString()!);
        await Assertions.Expect(page.Locator("#try-more")).ToContainTextAsync("margin " + (first.GetProperty("margin").GetSingle() * 100).ToString("F1", CultureInfo.InvariantCulture) + " %");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("try-a-model.png"), FullPage = true });

        // A model with an estimate and a further head: both are shown beside the labels, as the API answers them.
        await page.UncheckAsync("#try-explain");
        await page.SelectOptionAsync("#try-model", "traffic-scene");
        await Assertions.Expect(page.Locator("#try-card")).ToContainTextAsync("Intended use");
        var frame = TestSupport.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg");
        await page.SetInputFilesAsync("#try-file", frame);
        var scene = (await PostImageAsync(client, "api/models/traffic-scene/predict", frame)).GetProperty("images")[0];
        await Assertions.Expect(page.Locator("#try-more")).ToContainTextAsync("vehicles " + scene.GetProperty("estimates").GetProperty("vehicles").GetSingle().ToString("F2", CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#try-more")).ToContainTextAsync("lighting: " + scene.GetProperty("heads")[0].GetProperty("predictions")[0].GetProperty("label").GetString());
        await Assertions.Expect(page.Locator("#try-more")).ToContainTextAsync("uncalibrated-camera");

        // Every API call carried the key in its header, none in its URL.
        var calls = app.Server.Requests.Skip(before).Where(r => r.Function != "GetDashboard").ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, r => Assert.DoesNotContain("code=", r.PathAndQuery, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(calls, r => r.Function == "Predict" || r.Function == "PredictVersion");
        Assert.All(calls.SkipWhile(r => r.Key.Length == 0), r => Assert.Equal(DashboardApp.Key, r.Key));
        foreach (var error in errors)
        {
            output.WriteLine("console error: " + error);
        }

        Assert.DoesNotContain(errors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Try_a_model_draws_a_detectors_boxes_over_the_image()
    {
        var (app, browser) = await StartAsync();
        var (context, page, _) = await OpenAsync(browser, withKey: true);
        await using var owned = context;
        // The fixture detector finds a car and a bus on a white image (no committed model detects objects).
        var white = Path.Combine(Path.GetTempPath(), $"dashboard-white-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(white, TestSupport.Solid(SKColors.White, 320));
        try
        {
            await page.GotoAsync(app.Page("#try").ToString());
            await Assertions.Expect(page.Locator("#try-model option[value='custom-vision-detector']")).ToHaveCountAsync(1);
            await page.SelectOptionAsync("#try-model", "custom-vision-detector");
            await Assertions.Expect(page.Locator("#try-card")).ToContainTextAsync("object-detection");
            await page.SetInputFilesAsync("#try-file", white);

            using var client = app.Client();
            var answer = await PostImageAsync(client, "api/models/custom-vision-detector/predict?top=10", white);
            var boxes = answer.GetProperty("images")[0].GetProperty("predictions").EnumerateArray().Where(p => p.TryGetProperty("box", out _)).ToList();
            Assert.NotEmpty(boxes);
            await Assertions.Expect(page.Locator("#try-boxes g.box")).ToHaveCountAsync(boxes.Count);
            var first = boxes[0].GetProperty("box");
            var rect = page.Locator("#try-boxes g.box rect").First;
            Assert.Equal(first.GetProperty("left").GetSingle(), float.Parse((await rect.GetAttributeAsync("x"))!, CultureInfo.InvariantCulture), 4);
            Assert.Equal(first.GetProperty("width").GetSingle(), float.Parse((await rect.GetAttributeAsync("width"))!, CultureInfo.InvariantCulture), 4);
            await Assertions.Expect(page.Locator("#try-boxes g.box text").First).ToContainTextAsync(boxes[0].GetProperty("label").GetString()!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("try-a-detector.png"), FullPage = true });
        }
        finally
        {
            File.Delete(white);
        }
    }

    [SkippableFact]
    public async Task Cameras_lists_every_camera_and_draws_a_timeline_with_the_frozen_period()
    {
        var (app, browser) = await StartAsync();
        var (context, page, load) = await OpenAsync(browser, withKey: true);
        await using var owned = context;

        await page.GotoAsync(app.Page("#cameras").ToString());
        var rows = page.Locator("#camera-list tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(["edge-1", "frames-1"], await page.Locator("#camera-list tbody tr td:first-child").AllTextContentsAsync());
        var frames = page.Locator("#camera-list tbody tr[data-camera='frames-1']");
        await Assertions.Expect(frames.Locator("td.rejected")).ToHaveTextAsync("1");
        await Assertions.Expect(frames.Locator("td.classified")).ToHaveTextAsync("6");
        await Assertions.Expect(page.Locator("#camera-list tbody tr[data-camera='edge-1'] td.classified")).ToHaveTextAsync("6");
        await Assertions.Expect(frames.Locator("td:nth-child(2)")).ToHaveTextAsync("2026-01-22 04:11:26Z");
        await Assertions.Expect(frames).ToContainTextAsync("frozen period");

        // The first camera with results is shown: edge-1's crops per hour, then frames-1 on click.
        await Assertions.Expect(page.Locator("#camera-title")).ToHaveTextAsync("Camera edge-1");
        await Assertions.Expect(page.Locator("#camera-results tbody tr")).ToHaveCountAsync(6);
        await load.SettleAsync();
        output.WriteLine(load.Report("cameras"));
        await frames.ClickAsync();
        await Assertions.Expect(page.Locator("#camera-title")).ToHaveTextAsync("Camera frames-1");
        await Assertions.Expect(page.Locator("#camera-results tbody tr")).ToHaveCountAsync(7);
        await Assertions.Expect(page.Locator("#camera-timeline rect.stale")).ToHaveCountAsync(1);

        // The bars add up to the summary's classified uploads of the range shown.
        using var client = app.Client();
        var summary = await GetJsonAsync(client, "api/cameras/frames-1/summary?from=2026-01-21T04:11:27Z&to=2026-01-22T04:11:27Z&interval=hour");
        var barTitles = await page.Locator("#camera-timeline rect.bar title").AllTextContentsAsync();
        Assert.Equal(summary.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()), barTitles.Sum(t => int.Parse(t.Split(": ")[1].Split(' ')[0], CultureInfo.InvariantCulture)));
        Assert.Equal(6, summary.GetProperty("classified").GetInt32());
        await Assertions.Expect(page.Locator("#camera-results tbody tr.rejected")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("cameras.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task Models_shows_the_index_history_and_promotes_then_shows_a_refusal_clearly()
    {
        var (app, browser) = await StartAsync();
        var (context, page, load) = await OpenAsync(browser, withKey: true);
        await using var owned = context;

        await page.GotoAsync(app.Page("#models").ToString());
        var index = page.Locator("#repository-index tbody tr[data-model='city-vehicles']");
        await Assertions.Expect(index).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#repository-index tbody tr[data-model='city-vehicles'][data-version='1'] td:nth-child(3)")).ToHaveTextAsync("READY");
        await load.SettleAsync();
        output.WriteLine(load.Report("models"));
        await page.ClickAsync("#model-list tbody tr[data-model='city-vehicles']");
        await Assertions.Expect(page.Locator("#model-history tbody tr", new() { HasText = "publish" })).ToHaveCountAsync(2);

        // Promote version 2 (or back to 1, if an earlier run of this test promoted it).
        var model = page.Locator("#model-list tbody tr[data-model='city-vehicles'] td.default");
        var target = await model.TextContentAsync() == "1" ? "2" : "1";
        await page.ClickAsync($"#repository-index tbody tr[data-model='city-vehicles'][data-version='{target}'] button.promote");
        await Assertions.Expect(model).ToHaveTextAsync(target);
        await Assertions.Expect(page.Locator("#model-history tbody tr").First).ToContainTextAsync("set-default");
        using var client = app.Client();
        Assert.Equal(target, (await GetJsonAsync(client, "api/models/city-vehicles")).GetProperty("defaultVersion").GetString());

        // The training job that made crop-or-frame/1: named by the history, with its progress and held-out figures.
        await page.ClickAsync($"#model-list tbody tr[data-model='{DashboardApp.TrainedModel}']");
        var job = page.Locator("#model-jobs tbody tr[data-job]");
        await Assertions.Expect(job).ToHaveCountAsync(1);
        await Assertions.Expect(job).ToContainTextAsync("succeeded");
        await Assertions.Expect(job.Locator("progress")).ToHaveAttributeAsync("value", "11");
        await Assertions.Expect(job.Locator("td:nth-child(6)")).ToContainTextAsync("1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("models.png"), FullPage = true });
        await page.ClickAsync("#model-list tbody tr[data-model='city-vehicles']");
        await Assertions.Expect(page.Locator("#model-history tbody tr").First).ToContainTextAsync("set-default");

        // With Easy Auth on and no signed-in principal, the app's 401 problem is shown as it came.
        app.Server.EasyAuth.Enabled = true;
        try
        {
            await page.ClickAsync("#model-rollback");
            await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("401");
            await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("urn:smartcity:problem:unauthenticated");
            await Assertions.Expect(page.Locator("#model-list tbody tr[data-model='city-vehicles'] td.default")).ToHaveTextAsync(target);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("models-refused.png"), FullPage = true });
        }
        finally
        {
            app.Server.EasyAuth.Enabled = false;
        }
    }

    [SkippableFact]
    public async Task Each_page_load_is_counted_in_requests_and_bytes()
    {
        var (app, browser) = await StartAsync();
        foreach (var (hash, ready) in new[] { ("#try", "#try-card dl"), ("#cameras", "#camera-results tbody tr"), ("#models", "#repository-index tbody tr[data-model]") })
        {
            var (context, page, load) = await OpenAsync(browser, withKey: true);
            await using var owned = context;
            await page.GotoAsync(app.Page(hash).ToString());
            await Assertions.Expect(page.Locator(ready).First).ToBeVisibleAsync();
            await load.SettleAsync();
            output.WriteLine(load.Report(hash.TrimStart('#')));
            Assert.True(load.Requests >= 4, $"{hash}: {load.Requests} requests");
            Assert.Equal(0, load.Failed);
        }
    }

    private static async Task<JsonElement> PostImageAsync(HttpClient client, string path, string file)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
        using var response = await client.PostAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var text = await client.GetStringAsync(path);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>What a page fetched, from Playwright's request events: requests, failures, header and body bytes of the answers.</summary>
    private sealed class PageLoad
    {
        private readonly ConcurrentQueue<Task<(string Url, long Body, long Headers)>> _finished = new();
        private int _failed;

        public PageLoad(IPage page)
        {
            page.RequestFinished += (_, request) => _finished.Enqueue(SizeAsync(request));
            page.RequestFailed += (_, _) => Interlocked.Increment(ref _failed);
        }

        public int Requests => _finished.Count + _failed;

        public int Failed => _failed;

        public long BodyBytes { get; private set; }

        public long HeaderBytes { get; private set; }

        public IReadOnlyList<string> Urls { get; private set; } = [];

        /// <summary>Waits until the network is quiet and the sizes of every answer are known.</summary>
        public async Task SettleAsync()
        {
            await Task.Delay(300);
            var sizes = await Task.WhenAll(_finished);
            BodyBytes = sizes.Sum(s => s.Body);
            HeaderBytes = sizes.Sum(s => s.Headers);
            Urls = [.. sizes.Select(s => s.Url)];
        }

        public string Report(string page) =>
            $"page-load {page}: {Requests} requests, {BodyBytes} body bytes + {HeaderBytes} header bytes; {string.Join(", ", Urls.Select(u => new Uri(u).PathAndQuery.Split('?')[0]))}";

        private static async Task<(string, long, long)> SizeAsync(IRequest request)
        {
            var sizes = await request.SizesAsync();
            return (request.Url, sizes.ResponseBodySize, sizes.ResponseHeadersSize);
        }
    }
}
