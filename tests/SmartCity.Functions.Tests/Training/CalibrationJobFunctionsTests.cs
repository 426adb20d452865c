using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Tests.Models;
using SmartCity.Functions.Training;
using Xunit.Abstractions;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Training;

/// <summary>
/// Camera calibration as a service against Azurite: labelled frames of camera 2702 and their
/// labels CSV uploaded to the training data container, a job created through the HTTP function, its
/// message delivered to the queue-triggered function by a <see cref="QueuePump"/>, the calibrated
/// model <c>traffic-scene.cam-2702</c> published and served by a second instance, which answers that
/// camera's uploads with it. Ten frames of ../shared/data/traffic-cameras when present, else the one
/// committed sample frame of the camera. Also the 400/404 answers and a redelivery after the publish.
/// <c>MEASURE=1</c> also times the same calibration called directly, in the same run, and reports the ratio (not asserted).
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class CalibrationJobFunctionsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Model = "traffic-scene";
    private const string Camera = "2702";
    private const string CameraModel = "traffic-scene.cam-2702";
    private const string Folder = "calibration/2702/";
    private static readonly TimeSpan PatienceLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    private static bool Measure => Environment.GetEnvironmentVariable("MEASURE") == "1";

    private static string? SharedFrames => TestPaths.SharedData is { } root && File.Exists(Path.Combine(root, "traffic-cameras", "labels.csv")) ? Path.Combine(root, "traffic-cameras") : null;

    private async Task<ModelStorageAccount> AccountAsync()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        return account;
    }

    /// <summary>Uploads up to <paramref name="count"/> usable labelled frames of camera 2702 and a labels CSV naming them (plus one unusable row, whose file is not uploaded); the CSV's blob name and the frames' count.</summary>
    private static async Task<(string Csv, int Frames)> UploadFramesAsync(ModelStorageAccount account, int count)
    {
        var rows = new List<(string File, string Congestion, string Lighting, string Confidence, string Path)>();
        if (SharedFrames is { } shared)
        {
            foreach (var line in File.ReadLines(Path.Combine(shared, "labels.csv")).Skip(1))
            {
                var f = line.Split(',');
                if (f[1] == Camera && f[2] != "unusable" && rows.Count < count)
                {
                    rows.Add((f[0], f[2], f[3], f[4], Path.Combine(shared, f[0])));
                }
            }
        }
        else
        {
            rows.Add(("camera_2702_2026-01-22_00-24-52.jpg", "heavy", "day", "sure", TestSupport.Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg")));
        }

        var csv = new StringBuilder("file,camera,congestion,lighting,confidence\n");
        foreach (var row in rows)
        {
            await account.Data.GetBlobClient(Folder + row.File).UploadAsync(BinaryData.FromBytes(await File.ReadAllBytesAsync(row.Path)), overwrite: true);
            csv.Append(CultureInfo.InvariantCulture, $"{row.File},{Camera},{row.Congestion},{row.Lighting},{row.Confidence}\n");
        }

        csv.Append(CultureInfo.InvariantCulture, $"not-uploaded.jpg,{Camera},unusable,day,sure\n");
        csv.Append("other-camera.jpg,4703,heavy,day,sure\n");
        await account.Data.GetBlobClient(Folder + "labels.csv").UploadAsync(BinaryData.FromString(csv.ToString()), overwrite: true);
        return (Folder + "labels.csv", rows.Count);
    }

    private static async Task<Response> CreateAsync(AppInstance app, string model, string body)
    {
        var context = Json("POST", $"/api/models/{model}/calibrations", body);
        context.Request.Headers[SmartCity.Functions.Http.Repository.Actor.PrincipalHeader] = "calibrator@example.invalid";
        return await InvokeAsync(context, () => app.Calibrations.CreateCalibrationJob(context.Request, model));
    }

    private static async Task<Response> GetAsync(AppInstance app, string location)
    {
        var parts = location.Split('/');
        var context = Request("GET", location);
        return await InvokeAsync(context, () => app.Calibrations.GetCalibrationJob(context.Request, parts[3], parts[5]));
    }

    private static async Task<bool> FinishedAsync(AppInstance app, string location) =>
        (await GetAsync(app, location)).Json.GetProperty("state").GetString() is "succeeded" or "failed";

    private static QueuePump Pump(ModelStorageAccount account, AppInstance app) =>
        new(account.TrainingQueue, account.Queues.GetQueueClient(account.Queue + "-poison"), app.RunTrainingJob);

    [SkippableFact]
    public async Task A_calibration_job_publishes_the_camera_model_which_a_second_instance_serves_and_uses_for_that_camera()
    {
        await using var account = await AccountAsync();
        var (csv, frames) = await UploadFramesAsync(account, 10);
        await using var app = new AppInstance(account);
        await using var cameras = new AppInstance(account, refreshSeconds: 2);
        await cameras.StartRefreshingAsync();

        var created = await CreateAsync(app, Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{csv}}}"}}""");
        Assert.True(created.Status == 202, created.Body);
        Assert.Equal("queued", created.Json.GetProperty("state").GetString());
        Assert.Equal(frames, created.Json.GetProperty("frames").GetInt32());
        Assert.Equal(1, created.Json.GetProperty("skippedUnusable").GetInt32());
        Assert.Equal("2", created.Json.GetProperty("baseVersion").GetString());
        var location = created.Headers.Location.ToString();
        Assert.StartsWith($"/api/models/{Model}/calibrations/", location, StringComparison.Ordinal);

        var started = Stopwatch.GetTimestamp();
        await Pump(account, app).RunAsync(() => FinishedAsync(app, location), JobTimeout);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var job = (await GetAsync(app, location)).Json;
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(frames, job.GetProperty("framesRead").GetInt32());
        Assert.Empty(job.GetProperty("unreadable").EnumerateArray());
        var published = job.GetProperty("published");
        Assert.Equal((CameraModel, "1", true), (published.GetProperty("model").GetString(), published.GetProperty("version").GetString(), published.GetProperty("isDefault").GetBoolean()));
        if (frames >= 2)
        {
            Assert.InRange(job.GetProperty("leaveOneOutCongestion").GetDouble(), 0.0, 1.0);
        }
        else
        {
            Assert.False(job.TryGetProperty("leaveOneOutCongestion", out _));
        }

        Assert.Equal(["1"], await account.PublishedVersionsAsync(CameraModel));
        var description = app.Engine.Repository.Get(CameraModel).Manifest.Description;
        Assert.Contains($"camera {Camera}", description, StringComparison.Ordinal);
        // With enough frames, congestion reads the camera's tiles less its background (the calibrated head.onnx carries it).
        Assert.Equal(frames >= SmartCity.Training.Scenes.SceneCalibration.BackgroundMinFrames, description?.Contains("less the camera's background", StringComparison.Ordinal));

        // The second instance serves it after a refresh, and answers camera 2702's uploads with it.
        await Eventually.HoldsAsync(() => cameras.Engine.Repository.Names.Contains(CameraModel), PatienceLimit, "the camera instance serves the calibrated model");
        await using var pipeline = azurite.CreatePipeline(engine: cameras.Engine, modelRoutes: $"27={Model}");
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var frame = await File.ReadAllBytesAsync(TestSupport.Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg"));
        var other = await File.ReadAllBytesAsync(TestSupport.Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"));
        var at = new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero);
        await function.RunAsync(await pipeline.UploadAsync(Camera, "after.jpg", frame, at), Camera, "after.jpg", CancellationToken.None);
        await function.RunAsync(await pipeline.UploadAsync("2701", "after.jpg", other, at), "2701", "after.jpg", CancellationToken.None);
        using (var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, $"{Camera}/after.jpg.json")))
        {
            var result = document.RootElement.GetProperty("models")[0];
            Assert.Equal((Model, CameraModel, true), (result.GetProperty("model").GetString(), result.GetProperty("servedBy").GetString(), result.GetProperty("calibrated").GetBoolean()));
        }

        using (var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "2701/after.jpg.json")))
        {
            var result = document.RootElement.GetProperty("models")[0];
            Assert.Equal((Model, Model, false), (result.GetProperty("model").GetString(), result.GetProperty("servedBy").GetString(), result.GetProperty("calibrated").GetBoolean()));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frames} frames ({(SharedFrames is null ? "committed sample" : "shared data")}): job took {elapsed.TotalSeconds:0.0} s; leave-one-out congestion {(job.TryGetProperty("leaveOneOutCongestion", out var loo) ? loo.GetDouble().ToString("P1", CultureInfo.InvariantCulture) : "none")}"));
        if (Measure)
        {
            // Baseline in the same run: the same calibration called directly (as calibrate-camera does), frames already in memory.
            var labelled = new List<SmartCity.Training.Scenes.CalibrationFrame>();
            await foreach (var item in account.Data.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Folder, CancellationToken.None))
            {
                if (item.Name.EndsWith(".jpg", StringComparison.Ordinal))
                {
                    labelled.Add(new(item.Name, (await account.Data.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToMemory(), "free", "day"));
                }
            }

            var direct = Stopwatch.GetTimestamp();
            var again = await SmartCity.Training.Scenes.SceneCalibration.CalibrateAsync(app.Engine, app.Engine.Repository.Get(Model, "2"), Camera, labelled);
            var directTime = Stopwatch.GetElapsedTime(direct);
            var plain = Stopwatch.GetTimestamp();
            await SmartCity.Training.Scenes.SceneCalibration.CalibrateAsync(app.Engine, app.Engine.Repository.Get(Model, "2"), Camera, labelled, leaveOneOut: false);
            var plainTime = Stopwatch.GetElapsedTime(plain);
            Assert.NotEmpty(again.Files);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the job took {elapsed / directTime:0.00} times a direct SceneCalibration.CalibrateAsync of the same {labelled.Count} frames ({directTime.TotalSeconds:0.0} s), which took {directTime / plainTime:0.00} times one without leave-one-out ({plainTime.TotalSeconds:0.0} s)"));
        }
    }

    [SkippableFact]
    public async Task Bad_calibration_requests_are_400_problems_naming_the_field_and_unknown_models_or_jobs_404()
    {
        await using var account = await AccountAsync();
        var (csv, _) = await UploadFramesAsync(account, 1);
        await account.Data.GetBlobClient(Folder + "bad-labels.csv").UploadAsync(BinaryData.FromString("file,congestion,lighting\ncamera_2702_x.jpg,jammed,day\n"), overwrite: true);
        await account.Data.GetBlobClient(Folder + "no-columns.csv").UploadAsync(BinaryData.FromString("file,label\na.jpg,free\n"), overwrite: true);
        await account.Data.GetBlobClient(Folder + "missing.csv").UploadAsync(BinaryData.FromString("file,congestion,lighting\nnot-there.jpg,free,day\n"), overwrite: true);
        await account.Data.GetBlobClient(Folder + "unusable.csv").UploadAsync(BinaryData.FromString("file,congestion,lighting\nnot-there.jpg,unusable,day\n"), overwrite: true);
        await using var app = new AppInstance(account);

        async Task BadAsync(string model, string body, int status, string mentions)
        {
            var answer = await CreateAsync(app, model, body);
            Assert.True(answer.Status == status, $"{body}: {answer.Status} {answer.Body}");
            Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
            Assert.Contains(mentions, answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await BadAsync(Model, $$$"""{"data": {"labelsCsv": "{{{csv}}}"}}""", 400, "'cameraId'");
        await BadAsync(Model, $$$"""{"cameraId": "../2702", "data": {"labelsCsv": "{{{csv}}}"}}""", 400, "'cameraId'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}"}""", 400, "'data.labelsCsv'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"prefix": "calibration/"}}""", 400, "'data.labelsCsv'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "../labels.csv"}}""", 400, "'data.labelsCsv'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "nowhere/labels.csv"}}""", 400, "does not exist");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{Folder}}}bad-labels.csv"}}""", 400, "congestion 'jammed'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{Folder}}}no-columns.csv"}}""", 400, "'congestion'");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{Folder}}}missing.csv"}}""", 400, "not-there.jpg");
        await BadAsync(Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{Folder}}}unusable.csv"}}""", 400, "0 usable labelled frame(s)");
        await BadAsync(Model, $$$"""{"cameraId": "4703", "data": {"labelsCsv": "{{{csv}}}"}}""", 400, "1 file(s) named in calibration/2702/labels.csv do not exist: calibration/2702/other-camera.jpg.");
        await BadAsync("no-such-model", $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{csv}}}"}}""", 404, "no-such-model");
        await BadAsync("resnet18-embedding", $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{csv}}}"}}""", 400, "cannot be calibrated");
        var malformed = await CreateAsync(app, Model, "{\"cameraId\": ");
        Assert.Equal(400, malformed.Status);

        var unknown = await GetAsync(app, $"/api/models/{Model}/calibrations/20261201000000-0123456789ab");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("urn:smartcity:problem:calibration-job-not-found", unknown.Json.GetProperty("type").GetString());
        Assert.Empty(await account.PublishedVersionsAsync(CameraModel));
        Assert.Null((await account.TrainingQueue.PeekMessageAsync()).Value);
    }

    [SkippableFact]
    public async Task A_redelivery_after_the_publish_and_a_duplicate_after_success_publish_one_version()
    {
        await using var account = await AccountAsync();
        var (csv, _) = await UploadFramesAsync(account, 2);
        var published = false;
        var failedAfterPublish = 0;
        var faults = new FaultPolicy
        {
            // A crash after the version was published and before the job recorded it.
            ShouldFail = message =>
            {
                var path = message.Request.Uri.ToUri().AbsolutePath;
                if (message.Request.Method == RequestMethod.Put && path.Contains($"/{account.ModelsContainer}/", StringComparison.Ordinal) && path.EndsWith("/model.json", StringComparison.Ordinal))
                {
                    Volatile.Write(ref published, true);
                }

                return message.Request.Method == RequestMethod.Put && path.EndsWith("/job.json", StringComparison.Ordinal)
                    && Volatile.Read(ref published) && Interlocked.Increment(ref failedAfterPublish) == 1;
            },
        };
        await using var app = new AppInstance(account, faults);
        using var metrics = new Infrastructure.AppMetrics();
        var created = await CreateAsync(app, Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{csv}}}"}}""");
        Assert.True(created.Status == 202, created.Body);
        var location = created.Headers.Location.ToString();
        var pump = Pump(account, app);
        pump.RedeliverEverySuccess = true;
        await pump.RunAsync(() => FinishedAsync(app, location), JobTimeout, quiet: TimeSpan.FromSeconds(2));

        var job = (await GetAsync(app, location)).Json;
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal("1", job.GetProperty("published").GetProperty("version").GetString());
        Assert.Equal(1, faults.Failures);
        Assert.Single(pump.Failures);
        Assert.True(pump.Invocations >= 3, $"delivered, failed, redelivered and redelivered after success ({pump.Invocations})");
        var finishedAt = job.GetProperty("finishedAt").GetString();

        // A duplicate of the message, after success: nothing changes.
        await app.RunTrainingJob.RunAsync($$$"""{"model":"{{{Model}}}","jobId":"{{{location.Split('/')[5]}}}","sequence":0,"kind":"calibration"}""", 1, CancellationToken.None);
        Assert.Equal(finishedAt, (await GetAsync(app, location)).Json.GetProperty("finishedAt").GetString());
        Assert.Equal(["1"], await account.PublishedVersionsAsync(CameraModel));
        var history = Request("GET", $"/api/models/{CameraModel}/history");
        var changes = (await InvokeAsync(history, () => app.Versions.GetModelHistory(history.Request, CameraModel))).Json.GetProperty("changes").EnumerateArray()
            .Select(c => c.GetProperty("action").GetString()).ToList();
        Assert.Equal(1, changes.Count(c => c == "publish"));
        Assert.Equal(1, changes.Count(c => c == "set-default"));
        // Counted once, under the base model, when the final state was written: not on the redeliveries nor the duplicate.
        metrics.Collect();
        Assert.Equal(1, metrics.Count(TrainingJobMetrics.Jobs, ("kind", "calibration"), ("model", Model), ("outcome", "succeeded")));
        Assert.Equal(0, metrics.Count(TrainingJobMetrics.Jobs, ("kind", "calibration"), ("model", Model), ("outcome", "failed")));
        output.WriteLine($"{pump.Invocations} invocations, {pump.Failures.Count} failed on the injected fault; history: {string.Join(", ", changes)}");
    }

    [SkippableFact]
    public async Task A_frame_that_is_not_an_image_is_left_out_and_listed_and_a_job_with_none_readable_fails_with_the_reason()
    {
        await using var account = await AccountAsync();
        var (csv, frames) = await UploadFramesAsync(account, 1);
        await account.Data.GetBlobClient(Folder + "notes.jpg").UploadAsync(BinaryData.FromString("not a picture"), overwrite: true);
        var text = (await account.Data.GetBlobClient(csv).DownloadContentAsync()).Value.Content.ToString();
        await account.Data.GetBlobClient(csv).UploadAsync(BinaryData.FromString(text + $"notes.jpg,{Camera},free,day,unsure\n"), overwrite: true);
        await account.Data.GetBlobClient(Folder + "only-notes.csv").UploadAsync(BinaryData.FromString("file,congestion,lighting\nnotes.jpg,free,day\n"), overwrite: true);
        await using var app = new AppInstance(account);
        using var metrics = new Infrastructure.AppMetrics();

        var created = await CreateAsync(app, Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{csv}}}"}}""");
        Assert.True(created.Status == 202, created.Body);
        var hopeless = await CreateAsync(app, Model, $$$"""{"cameraId": "{{{Camera}}}", "data": {"labelsCsv": "{{{Folder}}}only-notes.csv"}}""");
        Assert.True(hopeless.Status == 202, hopeless.Body);
        var (location, hopelessLocation) = (created.Headers.Location.ToString(), hopeless.Headers.Location.ToString());
        await Pump(account, app).RunAsync(async () => await FinishedAsync(app, location) && await FinishedAsync(app, hopelessLocation), JobTimeout);

        var job = (await GetAsync(app, location)).Json;
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal((frames + 1, frames), (job.GetProperty("frames").GetInt32(), job.GetProperty("framesRead").GetInt32()));
        var unreadable = Assert.Single(job.GetProperty("unreadable").EnumerateArray());
        Assert.Equal(Folder + "notes.jpg", unreadable.GetProperty("file").GetString());
        Assert.False(string.IsNullOrWhiteSpace(unreadable.GetProperty("reason").GetString()));

        var failed = (await GetAsync(app, hopelessLocation)).Json;
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("None of the 1 frames can be read", failed.GetProperty("failure")[0].GetString(), StringComparison.Ordinal);
        Assert.False(failed.TryGetProperty("published", out _));
        Assert.Equal(["1"], await account.PublishedVersionsAsync(CameraModel));
        metrics.Collect();
        Assert.Equal(1, metrics.Count(TrainingJobMetrics.Jobs, ("kind", "calibration"), ("model", Model), ("outcome", "succeeded")));
        Assert.Equal(1, metrics.Count(TrainingJobMetrics.Jobs, ("kind", "calibration"), ("model", Model), ("outcome", "failed")));
    }
}
