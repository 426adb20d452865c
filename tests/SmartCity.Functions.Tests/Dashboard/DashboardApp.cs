using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Dashboard;
using SmartCity.Functions.Tests.Models;
using SmartCity.Functions.Tests.Training;
using static SmartCity.Functions.Tests.Dashboard.FunctionAppTestServer;

namespace SmartCity.Functions.Tests.Dashboard;

/// <summary>
/// The function app for the browser tests, on Azurite: one <see cref="AppInstance"/> (the bundled
/// models and the fixture object detector, the blob model repository, training jobs), a camera
/// pipeline (frames- cameras to traffic-scene, edge- cameras to vehicle-type) fed with the
/// committed samples, and the real HTTP functions behind a <see cref="FunctionAppTestServer"/>.
/// </summary>
internal sealed class DashboardApp : IAsyncDisposable
{
    public const string Key = "dashboard-test-key";

    /// <summary>The samples' day; the test gives each upload a capture time on it.</summary>
    public static readonly DateTimeOffset Day = new(2026, 1, 22, 0, 0, 0, TimeSpan.Zero);

    private readonly string _models;

    private DashboardApp(string models, ModelStorageAccount account, AppInstance app, CameraTestPipeline cameras, FunctionAppTestServer server)
    {
        _models = models;
        Account = account;
        Instance = app;
        Cameras = cameras;
        Server = server;
    }

    public ModelStorageAccount Account { get; }

    public AppInstance Instance { get; }

    public CameraTestPipeline Cameras { get; }

    public FunctionAppTestServer Server { get; }

    public static async Task<DashboardApp> StartAsync(string connectionString)
    {
        // The bundled models and the fixture detector side by side, as one model folder.
        var models = Path.Combine(Path.GetTempPath(), "smartcity-dashboard-models-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(models);
        foreach (var model in Directory.GetDirectories(TestPaths.Models))
        {
            Directory.CreateSymbolicLink(Path.Combine(models, Path.GetFileName(model)), model);
        }

        Directory.CreateSymbolicLink(Path.Combine(models, "custom-vision-detector"), Path.Combine(TestPaths.FixtureModels, "custom-vision-detector"));

        var account = new ModelStorageAccount(connectionString);
        await account.CreateAsync();
        var app = new AppInstance(account, modelsPath: models, minImagesPerLabel: 3, configure: o => o.ExplainGrid = 4);
        var cameras = new CameraTestPipeline(connectionString, app.Engine, null, "frames-=traffic-scene;edge-=vehicle-type");
        var cameraFunctions = new CameraResultsFunctions(cameras.Query);
        var dashboard = new DashboardFunctions();
        var functions = new Dictionary<string, Func<HttpRequest, Task<IActionResult>>>(StringComparer.Ordinal)
        {
            ["GetDashboard"] = r => Task.FromResult(dashboard.GetDashboard(r, r.RouteValues["path"] as string)),
            ["ListModels"] = r => Task.FromResult(app.Models.ListModels(r)),
            ["GetModel"] = r => app.Models.GetModel(r, Route(r, "model")),
            ["Predict"] = r => app.Predict.Predict(r, Route(r, "model")),
            ["PredictVersion"] = r => app.Predict.PredictVersion(r, Route(r, "model"), Route(r, "version")),
            ["Explain"] = r => app.Explain.Explain(r, Route(r, "model")),
            ["ListCameras"] = r => cameraFunctions.ListCamerasAsync(r, r.HttpContext.RequestAborted),
            ["GetCameraClassifications"] = r => cameraFunctions.ListAsync(r, Route(r, "cameraId"), r.HttpContext.RequestAborted),
            ["GetCameraSummary"] = r => cameraFunctions.SummaryAsync(r, Route(r, "cameraId"), r.HttpContext.RequestAborted),
            ["V2RepositoryIndex"] = r => app.Repository.V2RepositoryIndex(r),
            ["PublishModelVersion"] = r => app.Versions.PublishModelVersion(r, Route(r, "model")),
            ["SetModelDefault"] = r => app.Versions.SetModelDefault(r, Route(r, "model")),
            ["RollBackModelDefault"] = r => app.Versions.RollBackModelDefault(r, Route(r, "model")),
            ["GetModelHistory"] = r => app.Versions.GetModelHistory(r, Route(r, "model")),
            ["CreateTrainingJob"] = r => app.Training.CreateTrainingJob(r, Route(r, "model")),
            ["GetTrainingJob"] = r => app.Training.GetTrainingJob(r, Route(r, "model"), Route(r, "jobId")),
        };
        var server = await FunctionAppTestServer.StartAsync(functions);
        server.Key = Key;
        var started = new DashboardApp(models, account, app, cameras, server);
        await started.SeedCamerasAsync();
        await started.PublishAsync();
        await started.TrainAsync();
        return started;
    }

    public Uri Page(string hash) => new(Server.BaseAddress, "api/dashboard/" + hash);

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Add("x-functions-key", Key);
        return client;
    }

    /// <summary>
    /// frames-1: the committed frames and the synthetic frozen repeat over five hours of the samples' day,
    /// with one unreadable upload; edge-1: the committed vehicle crops, one every 40 minutes.
    /// </summary>
    private async Task SeedCamerasAsync()
    {
        var frames = new (string File, TimeSpan At)[]
        {
            ("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg", new(0, 24, 52)),
            ("synthetic/frozen-2701-q80.jpg", new(0, 54, 52)),
            ("synthetic/frozen-2701-q80.jpg", new(1, 24, 52)),
            ("synthetic/moving-2701.jpg", new(2, 5, 0)),
            ("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg", new(3, 10, 0)),
            ("traffic-cameras/camera_4703_2026-01-22_00-11-26.jpg", new(4, 11, 26)),
        };
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < frames.Length; i++)
        {
            var (file, at) = frames[i];
            blobs.Add(await Cameras.UploadAsync("frames-1", $"{i:D2}-{Path.GetFileName(file)}", await File.ReadAllBytesAsync(TestSupport.Sample(file)), Day + at));
        }

        blobs.Add(await Cameras.UploadAsync("frames-1", "03-unreadable.jpg", "not an image"u8.ToArray(), Day + new TimeSpan(2, 40, 0)));
        // One after another: the frozen-feed check compares each frame with the one before.
        foreach (var blob in blobs.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            await Cameras.RunAsync(blob);
        }

        var crops = Directory.GetFiles(TestSupport.Sample("vehicles"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var edge = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < crops.Length; i++)
        {
            edge.Add(await Cameras.UploadAsync("edge-1", Path.GetFileName(crops[i]), await File.ReadAllBytesAsync(crops[i]), Day + TimeSpan.FromMinutes(20 + (40 * i))));
        }

        await Task.WhenAll(edge.Select(Cameras.RunAsync));
    }

    /// <summary>Two versions of <c>city-vehicles</c> in the blob repository, published through the API; the first is the default.</summary>
    private async Task PublishAsync()
    {
        using var client = Client();
        for (var seed = 1; seed <= 2; seed++)
        {
            var (body, contentType) = await TestPackages.Multipart(TestPackages.Head(seed, "Tells left from right in test features (dashboard tests)."), promote: seed == 1, reason: $"dashboard test version {seed}");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            using var response = await client.PostAsync("api/models/city-vehicles/versions", content);
            Assert.True(response.IsSuccessStatusCode, $"publish {seed}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The model a training job made from the committed samples.</summary>
    public const string TrainedModel = "crop-or-frame";

    /// <summary>
    /// A training job of <see cref="TrainedModel"/> through the API on the committed samples (vehicle crops
    /// against camera frames: a toy task, but a real job), its queue messages delivered as the host would.
    /// </summary>
    private async Task TrainAsync()
    {
        var images = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["crop"] = [.. Directory.GetFiles(TestSupport.Sample("vehicles"), "*.jpg").Order(StringComparer.Ordinal)],
            ["frame"] = [.. Directory.GetFiles(TestSupport.Sample("traffic-cameras"), "*.jpg").Concat(Directory.GetFiles(TestSupport.Sample("synthetic"), "*.jpg")).Order(StringComparer.Ordinal)],
        };
        await TrainingImages.UploadAsync(Account, "kinds/", images);
        using var client = Client();
        using var body = new StringContent("""{"data": {"prefix": "kinds/"}, "heldOutFraction": 0.3, "intendedUse": "Tells a vehicle crop from a camera frame (dashboard tests)."}""", System.Text.Encoding.UTF8, "application/json");
        using var created = await client.PostAsync($"api/models/{TrainedModel}/training-jobs", body);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var location = created.Headers.Location!.ToString();
        var pump = new QueuePump(Account.TrainingQueue, Account.Queues.GetQueueClient(Account.Queue + "-poison"), Instance.RunTrainingJob);
        await pump.RunAsync(
            async () => System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(location.TrimStart('/'))).RootElement.GetProperty("state").GetString() is "succeeded" or "failed",
            TimeSpan.FromMinutes(5));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Cameras.DisposeAsync();
        await Instance.DisposeAsync();
        await Account.DisposeAsync();
        Directory.Delete(_models, recursive: true);
    }
}
