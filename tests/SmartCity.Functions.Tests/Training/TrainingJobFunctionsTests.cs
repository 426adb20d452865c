using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Core;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Tests.Models;
using SmartCity.Functions.Training;
using SmartCity.Inference.Models;
using Xunit.Abstractions;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Training;

/// <summary>
/// Training as a service against Azurite: images uploaded to a prefix, a job created through the
/// HTTP function, its messages delivered to the queue-triggered function by a <see cref="QueuePump"/>,
/// the published version predicting on this instance and on a second one; bad data failing with
/// reasons; redelivered messages and crashes between steps publishing exactly one version.
/// <c>MEASURE=1</c> trains on 600 shared vehicle crops and reports time, images/s, held-out
/// accuracy, memory and how long a second instance took to serve the new version (not asserted).
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class TrainingJobFunctionsTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Prefix = "uploads/2026-12/";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long to poll before giving up: not a timing assertion (the times are reported), only a bound for a loaded CI machine.</summary>
    private static readonly TimeSpan PatienceLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    private static bool Measure => Environment.GetEnvironmentVariable("MEASURE") == "1";

    private async Task<ModelStorageAccount> AccountAsync()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        return account;
    }

    private static async Task<Response> CreateJobAsync(AppInstance app, string model, string body)
    {
        var context = Json("POST", $"/api/models/{model}/training-jobs", body);
        context.Request.Headers[SmartCity.Functions.Http.Repository.Actor.PrincipalHeader] = "trainer@example.invalid";
        return await InvokeAsync(context, () => app.Training.CreateTrainingJob(context.Request, model));
    }

    private static async Task<JsonElement> GetJobAsync(AppInstance app, string location)
    {
        var parts = location.Split('/');
        var context = Request("GET", location);
        var response = await InvokeAsync(context, () => app.Training.GetTrainingJob(context.Request, parts[3], parts[5]));
        Assert.Equal(200, response.Status);
        return response.Json;
    }

    private static async Task<bool> FinishedAsync(AppInstance app, string location) =>
        (await GetJobAsync(app, location)).GetProperty("state").GetString() is "succeeded" or "failed";

    private static QueuePump Pump(ModelStorageAccount account, AppInstance app) =>
        new(account.TrainingQueue, account.Queues.GetQueueClient(account.Queue + "-poison"), app.RunTrainingJob);

    private static async Task<Response> PredictAsync(AppInstance app, string model, string file)
    {
        var context = Request("POST", $"/api/models/{model}/predict", File.ReadAllBytes(file), "image/jpeg");
        return await InvokeAsync(context, () => app.Predict.Predict(context.Request, model));
    }

    private static string? Default(AppInstance app, string model)
    {
        try
        {
            return app.Engine.Repository.Get(model).Version;
        }
        catch (SmartCity.Inference.InferenceException)
        {
            return null;
        }
    }

    [SkippableFact]
    public async Task A_job_trains_on_uploaded_images_publishes_the_next_version_with_its_card_and_a_second_instance_serves_it()
    {
        await using var account = await AccountAsync();
        var labels = Measure ? new[] { "bike", "car", "juggernaut", "minibus", "pickup", "truck" } : ["bike", "car", "truck"];
        var images = TrainingImages.Pick(labels, Measure ? 100 : 20);
        var total = await TrainingImages.UploadAsync(account, Prefix, images);
        var minPerLabel = TrainingImages.SharedVehicles ? 10 : 3;
        await using var app = new AppInstance(account, imagesPerMessage: Measure ? 100 : 25, minImagesPerLabel: minPerLabel);
        await using var second = new AppInstance(account, refreshSeconds: (int)RefreshInterval.TotalSeconds);
        await second.StartRefreshingAsync();
        const string model = "city-vehicles";

        var created = await CreateJobAsync(app, model, $$"""{"data": {"prefix": "{{Prefix}}"}, "heldOutFraction": {{(TrainingImages.SharedVehicles ? "0.2" : "0.3")}}, "promotion": "if-better", "intendedUse": "Vehicle type of a roadside crop.", "license": "CC BY 4.0"}""");

        Assert.Equal(202, created.Status);
        Assert.Equal("queued", created.Json.GetProperty("state").GetString());
        Assert.Equal("resnet18-embedding", created.Json.GetProperty("request").GetProperty("backbone").GetString());
        var location = created.Headers.Location.ToString();
        Assert.StartsWith($"/api/models/{model}/training-jobs/", location, StringComparison.Ordinal);

        var process = Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var (workingSetBefore, heapBefore) = (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
        long peakWorkingSet = workingSetBefore, peakHeap = heapBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                await Task.Delay(100);
            }
        });
        var started = Stopwatch.GetTimestamp();
        var pump = Pump(account, app);
        await pump.RunAsync(() => FinishedAsync(app, location), JobTimeout);
        var trainingTime = Stopwatch.GetElapsedTime(started);
        await sampling.CancelAsync();
        await sampler;
        GC.Collect();
        process.Refresh();
        var (workingSetAfter, heapAfter) = (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));

        var job = await GetJobAsync(app, location);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal(total, job.GetProperty("progress").GetProperty("embedded").GetInt32());
        Assert.Equal(total, job.GetProperty("progress").GetProperty("total").GetInt32());
        var result = job.GetProperty("result");
        Assert.Equal("1", result.GetProperty("version").GetString());
        Assert.True(result.GetProperty("promoted").GetBoolean());
        var accuracy = result.GetProperty("trained").GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0.0, 1.0);
        Assert.True(pump.Invocations > 3, "the job ran as several messages");

        // This instance serves it at once (the publish refreshed it) ...
        var file = images.First().Value.Last();
        var predicted = await PredictAsync(app, model, file);
        Assert.Equal(200, predicted.Status);
        Assert.Equal("1", predicted.Json.GetProperty("version").GetString());
        Assert.Contains(predicted.Json.GetProperty("images")[0].GetProperty("predictions")[0].GetProperty("label").GetString(), images.Keys);

        // ... and so does a second one, within its refresh interval.
        var pickedUp = await Eventually.HoldsAsync(() => Default(second, model) == "1", PatienceLimit, "the second instance serves version 1");
        Assert.Equal(200, (await PredictAsync(second, model, file)).Status);

        // Its card: in the model details and as Open Inference parameters.
        var details = Request("GET", $"/api/models/{model}");
        var card = (await InvokeAsync(details, () => app.Models.GetModel(details.Request, model))).Json.GetProperty("versions")[0].GetProperty("card");
        Assert.Equal("Vehicle type of a roadside crop.", card.GetProperty("intendedUse").GetString());
        Assert.Equal(total, card.GetProperty("trainingData").GetProperty("images").GetInt32());
        var metadata = Request("GET", $"/api/v2/models/{model}");
        var parameters = (await InvokeAsync(metadata, () => app.OpenInference.V2ModelMetadata(metadata.Request, model))).Json.GetProperty("parameters");
        Assert.Equal(accuracy, parameters.GetProperty("held_out_accuracy").GetDouble());
        Assert.Equal(["1"], await account.PublishedVersionsAsync(model));

        // Its example index: published with the version (embeddings and blob names, capped per label), served by the second instance too.
        var indexed = images.Values.Sum(v => Math.Min(v.Count, SmartCity.Training.ExampleIndexSettings.DefaultPerLabel));
        Assert.Equal(indexed, card.GetProperty("examples").GetProperty("count").GetInt32());
        Assert.False(card.GetProperty("examples").GetProperty("imagesMayBeShown").GetBoolean());
        var index = second.Engine.Repository.Get(model, "1").Examples;
        Assert.NotNull(index);
        Assert.Equal(indexed, index.Count);
        Assert.All(index.Metadata.Examples, e => Assert.StartsWith(Prefix, e.Id, StringComparison.Ordinal));
        Assert.All(index.Metadata.Examples, e => Assert.Null(e.Image));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Data: {(TrainingImages.SharedVehicles ? "shared vehicle crops" : "committed samples")}, {images.Count} labels, {total} images, {pump.Invocations} messages."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Training job: {trainingTime.TotalSeconds:0.0} s, {total / trainingTime.TotalSeconds:0.0} images/s end to end; held-out accuracy {accuracy:P2} (macro-F1 {result.GetProperty("trained").GetProperty("macroF1").GetDouble():0.000}, {result.GetProperty("trained").GetProperty("images").GetInt32()} images), L2 {result.GetProperty("l2").GetDouble()}."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Second instance (refresh {RefreshInterval.TotalSeconds} s) served the new version {pickedUp.TotalSeconds:0.00} s after the job finished."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Memory: working set {workingSetBefore / 1048576.0:0} MB before, {peakWorkingSet / 1048576.0:0} MB peak during, {workingSetAfter / 1048576.0:0} MB after; managed heap {heapBefore / 1048576.0:0.0} MB before, {peakHeap / 1048576.0:0.0} MB peak, {heapAfter / 1048576.0:0.0} MB after."));
    }

    [SkippableFact]
    public async Task Bad_data_fails_the_job_with_its_reasons_by_file_and_label()
    {
        await using var account = await AccountAsync();
        await using var app = new AppInstance(account, imagesPerMessage: 50, minImagesPerLabel: 3);
        var crops = TrainingImages.Pick(["car", "truck"], 4).SelectMany(p => p.Value).ToList();
        foreach (var (file, i) in crops.Take(4).Select((f, i) => (f, i)))
        {
            await account.Data.GetBlobClient($"bad/car/{i}.jpg").UploadAsync(file, overwrite: true);
        }

        await account.Data.GetBlobClient("bad/car/notes.jpg").UploadAsync(BinaryData.FromString("not a photo"), overwrite: true);
        await account.Data.GetBlobClient("bad/truck/only.jpg").UploadAsync(crops[^1], overwrite: true);
        await account.Data.GetBlobClient("bad/truck/second.jpg").UploadAsync(crops[^2], overwrite: true);

        var tooFew = await CreateJobAsync(app, "bad-data", """{"data": {"prefix": "bad/"}}""");
        await Pump(account, app).RunAsync(() => FinishedAsync(app, tooFew.Headers.Location.ToString()), JobTimeout);
        var failed = await GetJobAsync(app, tooFew.Headers.Location.ToString());
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        var reasons = string.Join("\n", failed.GetProperty("failure").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("Label 'truck' has 2 image(s)", reasons, StringComparison.Ordinal);

        await account.Data.GetBlobClient("bad/truck/third.jpg").UploadAsync(crops[^3], overwrite: true);
        var unreadable = await CreateJobAsync(app, "bad-data", """{"data": {"prefix": "bad/"}}""");
        await Pump(account, app).RunAsync(() => FinishedAsync(app, unreadable.Headers.Location.ToString()), JobTimeout);
        failed = await GetJobAsync(app, unreadable.Headers.Location.ToString());
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.Contains("bad/car/notes.jpg", failed.GetProperty("failure")[0].GetString(), StringComparison.Ordinal);

        var noBackbone = await CreateJobAsync(app, "bad-data", """{"data": {"prefix": "bad/"}, "backbone": "no-such-backbone"}""");
        await Pump(account, app).RunAsync(() => FinishedAsync(app, noBackbone.Headers.Location.ToString()), JobTimeout);
        Assert.Contains("no-such-backbone", (await GetJobAsync(app, noBackbone.Headers.Location.ToString())).GetProperty("failure")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await account.PublishedVersionsAsync("bad-data"));

        var malformed = await CreateJobAsync(app, "bad-data", """{"data": {"prefix": "bad/", "labelsCsv": "bad/labels.csv"}}""");
        Assert.Equal(400, malformed.Status);
        Assert.StartsWith("application/problem+json", malformed.ContentType, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Redelivered_messages_and_crashes_between_steps_still_publish_exactly_one_version()
    {
        await using var account = await AccountAsync();
        using var metrics = new Infrastructure.AppMetrics();
        var sends = 0;
        var published = false;
        var jobWritesFailedAfterPublish = 0;
        var faults = new FaultPolicy
        {
            ShouldFail = message =>
            {
                var path = message.Request.Uri.ToUri().AbsolutePath;
                if (message.Request.Method == RequestMethod.Put && path.Contains($"/{account.ModelsContainer}/", StringComparison.Ordinal) && path.EndsWith("/model.json", StringComparison.Ordinal))
                {
                    Volatile.Write(ref published, true);
                }

                // A crash after a step was committed and before its next message was sent (the 2nd and 4th sends) ...
                if (message.Request.Method == RequestMethod.Post && path.EndsWith($"/{account.Queue}/messages", StringComparison.Ordinal))
                {
                    var send = Interlocked.Increment(ref sends);
                    return send is 3 or 5;
                }

                // ... and one after the version was published and before the job recorded it.
                return message.Request.Method == RequestMethod.Put && path.EndsWith("/job.json", StringComparison.Ordinal)
                    && Volatile.Read(ref published) && Interlocked.Increment(ref jobWritesFailedAfterPublish) == 1;
            },
        };
        var images = TrainingImages.Pick(["car", "truck"], 8);
        await TrainingImages.UploadAsync(account, Prefix, images);
        await using var app = new AppInstance(account, faults, imagesPerMessage: 4, minImagesPerLabel: 3);
        const string model = "crash-test";

        var created = await CreateJobAsync(app, model, $$"""{"data": {"prefix": "{{Prefix}}"}, "heldOutFraction": 0.25, "promotion": "always"}""");
        Assert.Equal(202, created.Status);
        var pump = Pump(account, app);
        pump.RedeliverEverySuccess = true;
        await pump.RunAsync(() => FinishedAsync(app, created.Headers.Location.ToString()), JobTimeout, quiet: TimeSpan.FromSeconds(2));

        var job = await GetJobAsync(app, created.Headers.Location.ToString());
        Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
        Assert.Equal("1", job.GetProperty("result").GetProperty("version").GetString());
        Assert.True(faults.Failures >= 3, $"the crashes happened ({faults.Failures})");
        Assert.NotEmpty(pump.Failures);
        Assert.Equal(["1"], await account.PublishedVersionsAsync(model));
        var history = Request("GET", $"/api/models/{model}/history");
        var changes = (await InvokeAsync(history, () => app.Versions.GetModelHistory(history.Request, model))).Json.GetProperty("changes").EnumerateArray()
            .Select(c => c.GetProperty("action").GetString()).ToList();
        Assert.Equal(1, changes.Count(c => c == "publish"));
        Assert.Equal(1, changes.Count(c => c == "set-default"));
        Assert.Equal(ModelAvailability.Ready, app.Engine.Repository.Index.Single(s => s.Name == model).State);
        // Counted once, when the final state was written, however often the messages came.
        metrics.Collect();
        Assert.Equal(1, metrics.Count(TrainingJobMetrics.Jobs, ("kind", "training"), ("model", model), ("outcome", "succeeded")));
        Assert.Equal(0, metrics.Count(TrainingJobMetrics.Jobs, ("model", model), ("outcome", "failed")));
        output.WriteLine($"{pump.Invocations} invocations, {pump.Failures.Count} failed on injected faults, {faults.Failures} faults; history: {string.Join(", ", changes)}");
    }
}
