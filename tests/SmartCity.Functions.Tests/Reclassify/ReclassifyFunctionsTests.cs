using System.Text.Json;
using SmartCity.Cameras;
using SmartCity.Cameras.Tests;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Reclassify;
using SmartCity.Functions.Tests.Models;

namespace SmartCity.Functions.Tests.Reclassify;

/// <summary>
/// Reclassifying history against Azurite with the bundled vehicle-type versions 1 and 2: uploads
/// classified by the pipeline (at the default, 2) are reclassified to 1 and back to 2 through the
/// HTTP function and the queue-triggered function, the messages read from the Azurite queue. Every
/// result in range changes version in place (same rows, same documents), nothing outside the range
/// or of another camera moves; a second run skips everything; redelivered messages count once; a
/// deleted blob is a recorded failure; a crash between a batch's result and its count counts once.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class ReclassifyFunctionsTests(AzuriteFixture azurite)
{
    private const string Model = "vehicle-type";
    private static readonly DateTimeOffset Base = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static string Body(string scope, string version, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        $$"""{ {{scope}}, "from": "{{(from ?? Base).ToString("O")}}", "to": "{{(to ?? Base.AddHours(1)).ToString("O")}}", "model": "{{Model}}", "version": "{{version}}" }""";

    private async Task<(CameraTestPipeline Pipeline, ModelStorageAccount Account)> SetUpAsync()
    {
        var pipeline = azurite.CreatePipeline();
        var account = new ModelStorageAccount(azurite.ConnectionString!);
        await account.CreateAsync();
        return (pipeline, account);
    }

    /// <summary>Uploads <paramref name="count"/> frames per camera, captured a minute apart from <see cref="Base"/>, and classifies them.</summary>
    private static async Task<List<Azure.Storage.Blobs.BlobClient>> UploadAsync(CameraTestPipeline pipeline, string[] cameras, int count, int minutesFromBase = 0)
    {
        var files = CameraImages.Samples().ToList();
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        foreach (var camera in cameras)
        {
            for (var i = 0; i < count; i++)
            {
                var content = files.Count > 0 ? await File.ReadAllBytesAsync(files[i % files.Count]) : CameraImages.Synthetic(i);
                blobs.Add(await pipeline.UploadAsync(camera, $"frames/{minutesFromBase + i:D4}.jpg", content, Base.AddMinutes(minutesFromBase + i)));
            }
        }

        await Task.WhenAll(blobs.Select(pipeline.RunAsync));
        return blobs;
    }

    private static async Task<Dictionary<string, string?>> VersionsAsync(CameraTestPipeline pipeline, string camera) =>
        (await pipeline.RowsAsync(camera)).ToDictionary(r => r.GetString("BlobName")!, r => (string?)r.GetString("ModelVersion"));

    private static void AssertCounts(JsonElement job, int listed, int reclassified, int skipped, int failed)
    {
        var counts = job.GetProperty("counts");
        Assert.True(
            (listed, reclassified, skipped, failed) == (counts.GetProperty("listed").GetInt32(), counts.GetProperty("reclassified").GetInt32(), counts.GetProperty("skipped").GetInt32(), counts.GetProperty("failed").GetInt32()),
            job.ToString());
    }

    [SkippableFact]
    public async Task Results_in_range_change_version_in_place_a_rerun_skips_them_and_redelivered_messages_count_once()
    {
        var (pipeline, account) = await SetUpAsync();
        await using var _ = pipeline;
        await using var __ = account;
        await UploadAsync(pipeline, ["cam-a", "cam-b"], 3);
        await UploadAsync(pipeline, ["cam-a"], 1, minutesFromBase: 90); // outside [Base, Base + 1 h)
        await UploadAsync(pipeline, ["other-1"], 2); // not under the prefix
        var harness = new ReclassifyHarness(pipeline, account, blobsPerMessage: 2);
        Assert.All((await VersionsAsync(pipeline, "cam-a")).Values, v => Assert.Equal("2", v));
        var rowsBefore = (await pipeline.RowsAsync("cam-a")).Select(r => r.RowKey).Order().ToList();

        // To version 1 (the pipeline stored 2, the default), every message delivered twice.
        harness.RedeliverEverySuccess = true;
        var started = await harness.StartAsync(Body("\"prefix\": \"cam-\"", "1"));
        Assert.Equal(202, started.Status);
        var id = started.Json.GetProperty("id").GetString()!;
        Assert.Equal($"/api/cameras/reclassifications/{id}", started.Headers.Location.ToString());
        Assert.Equal("queued", started.Json.GetProperty("state").GetString());
        var job = await harness.RunAsync(id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        AssertCounts(job, listed: 6, reclassified: 6, skipped: 0, failed: 0);
        Assert.Equal(4, job.GetProperty("batches").GetInt32()); // a camera's 3 in 2 messages (2 per message), for 2 cameras
        Assert.Equal(4, job.GetProperty("batchesDone").GetInt32());
        Assert.Empty(harness.Failures);

        var camA = await VersionsAsync(pipeline, "cam-a");
        Assert.Equal(["1", "1", "1", "2"], camA.OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Equal("2", camA["frames/0090.jpg"]);
        Assert.All((await VersionsAsync(pipeline, "cam-b")).Values, v => Assert.Equal("1", v));
        Assert.All((await VersionsAsync(pipeline, "other-1")).Values, v => Assert.Equal("2", v));
        Assert.Equal(rowsBefore, (await pipeline.RowsAsync("cam-a")).Select(r => r.RowKey).Order().ToList()); // replaced, not added
        var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "cam-a/frames/0000.jpg.json")).RootElement;
        Assert.Equal("1", document.GetProperty("models")[0].GetProperty("version").GetString());
        Assert.Equal(Base, document.GetProperty("capturedAt").GetDateTimeOffset());

        // A redelivery by Event Grid of a reclassified blob writes nothing (its ETag is complete).
        var blob = pipeline.Images.GetBlobClient("cam-a/frames/0000.jpg");
        Assert.Equal(CameraUploadOutcome.Duplicate, (await CameraTestPipeline.RunAsync(pipeline.Classifier, blob)).Outcome);
        Assert.Equal("1", (await VersionsAsync(pipeline, "cam-a"))["frames/0000.jpg"]);

        // Back to version 2 for one camera, messages delivered once.
        harness.RedeliverEverySuccess = false;
        var second = await harness.StartAsync(Body("\"cameraId\": \"cam-a\"", "2", to: Base.AddHours(2)));
        job = await harness.RunAsync(second.Json.GetProperty("id").GetString()!);
        AssertCounts(job, listed: 4, reclassified: 3, skipped: 1, failed: 0);
        Assert.All((await VersionsAsync(pipeline, "cam-a")).Values, v => Assert.Equal("2", v));

        // The same again: everything is at version 2 already, nothing is written.
        var timestamps = (await pipeline.RowsAsync("cam-a")).ToDictionary(r => r.RowKey, r => r.Timestamp);
        var third = await harness.StartAsync(Body("\"cameraId\": \"cam-a\"", "2", to: Base.AddHours(2)));
        Assert.Equal(202, third.Status); // the earlier job finished: a new one
        job = await harness.RunAsync(third.Json.GetProperty("id").GetString()!);
        AssertCounts(job, listed: 4, reclassified: 0, skipped: 4, failed: 0);
        Assert.Equal(timestamps, (await pipeline.RowsAsync("cam-a")).ToDictionary(r => r.RowKey, r => r.Timestamp));
    }

    [SkippableFact]
    public async Task A_deleted_blob_is_a_recorded_failure_and_the_same_request_while_running_answers_the_running_job()
    {
        var (pipeline, account) = await SetUpAsync();
        await using var _ = pipeline;
        await using var __ = account;
        var blobs = await UploadAsync(pipeline, ["cam-d"], 4);
        await blobs[1].DeleteAsync();
        var harness = new ReclassifyHarness(pipeline, account, blobsPerMessage: 3);

        var started = await harness.StartAsync(Body("\"all\": true", "1"));
        Assert.Equal(202, started.Status);
        var again = await harness.StartAsync(Body("\"all\": true", "1"));
        Assert.Equal(200, again.Status);
        Assert.Equal(started.Json.GetProperty("id").GetString(), again.Json.GetProperty("id").GetString());

        var job = await harness.RunAsync(started.Json.GetProperty("id").GetString()!);
        AssertCounts(job, listed: 4, reclassified: 3, skipped: 0, failed: 1);
        var failure = Assert.Single(job.GetProperty("failures").EnumerateArray());
        Assert.Equal("cam-d", failure.GetProperty("cameraId").GetString());
        Assert.Equal("frames/0001.jpg", failure.GetProperty("blobName").GetString());
        Assert.Contains("no longer exists", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_batch_message_sent_twice_and_a_crash_between_its_result_and_its_count_count_it_once()
    {
        var (pipeline, account) = await SetUpAsync();
        await using var _ = pipeline;
        await using var __ = account;
        await UploadAsync(pipeline, ["cam-e"], 3);
        var harness = new ReclassifyHarness(pipeline, account, blobsPerMessage: 3);
        var id = (await harness.StartAsync(Body("\"cameraId\": \"cam-e\"", "1"))).Json.GetProperty("id").GetString()!;

        // The listing message: it sends one batch message.
        var listing = Assert.Single(await harness.DrainAsync());
        await harness.Queue.RunAsync(listing, 1, CancellationToken.None);
        var batch = Assert.Single(await harness.DrainAsync());
        Assert.Contains("\"batch\"", batch, StringComparison.Ordinal);

        // A crash after the batch's result was written, before it was counted: as if that invocation stopped there.
        var result = new ReclassifyBatchResult(3, 0, 0, []);
        foreach (var name in new[] { "frames/0000.jpg", "frames/0001.jpg", "frames/0002.jpg" })
        {
            Assert.Equal(ReclassifyOutcome.Reclassified, (await harness.Reclassifier.ReclassifyAsync("cam-e", name, pipeline.Engine.Repository.Get(Model, "1"))).Outcome);
        }

        await harness.Jobs.WriteResultAsync(id, 0, result, CancellationToken.None);

        // The redelivery counts the written result (3 reclassified, not 3 skipped), a duplicate of it nothing more.
        await harness.Queue.RunAsync(batch, 2, CancellationToken.None);
        await harness.Queue.RunAsync(batch, 1, CancellationToken.None);
        var job = await harness.GetAsync(id);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        AssertCounts(job, listed: 3, reclassified: 3, skipped: 0, failed: 0);

        // And the listing message again changes nothing.
        await harness.Queue.RunAsync(listing, 2, CancellationToken.None);
        Assert.Empty(await harness.DrainAsync());
        AssertCounts(await harness.GetAsync(id), listed: 3, reclassified: 3, skipped: 0, failed: 0);
    }

    [SkippableTheory]
    [InlineData("{ \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "exactly one of 'cameraId'")]
    [InlineData("{ \"cameraId\": \"a\", \"all\": true, \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "exactly one of 'cameraId'")]
    [InlineData("{ \"cameraId\": \"../x\", \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "'cameraId'")]
    [InlineData("{ \"prefix\": \"a/b\", \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "'prefix'")]
    [InlineData("{ \"all\": true, \"from\": \"yesterday\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "'from'")]
    [InlineData("{ \"all\": true, \"from\": \"2026-11-01T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "'to'")]
    [InlineData("{ \"all\": true, \"from\": \"2026-11-02T00:00:00Z\", \"to\": \"2026-11-01T00:00:00Z\", \"model\": \"vehicle-type\", \"version\": \"2\" }", "'from' must be before 'to'")]
    [InlineData("{ \"all\": true, \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"version\": \"2\" }", "'model'")]
    [InlineData("{ \"all\": true, \"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"model\": \"vehicle-type\" }", "'version'")]
    [InlineData("{ \"all\": 3 }", "$.all")]
    public async Task A_bad_request_is_a_400_naming_the_field(string body, string expected)
    {
        var (pipeline, account) = await SetUpAsync();
        await using var _ = pipeline;
        await using var __ = account;
        var response = await new ReclassifyHarness(pipeline, account).StartAsync(body);
        Assert.Equal(400, response.Status);
        Assert.Contains(expected, response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_version_not_served_is_a_404_and_an_unknown_job_too()
    {
        var (pipeline, account) = await SetUpAsync();
        await using var _ = pipeline;
        await using var __ = account;
        var harness = new ReclassifyHarness(pipeline, account);
        var response = await harness.StartAsync(Body("\"all\": true", "9"));
        Assert.Equal(404, response.Status);
        Assert.Equal("urn:smartcity:problem:model-not-found", response.Json.GetProperty("type").GetString());
        Assert.Empty(await harness.DrainAsync());

        var context = HttpTestHost.Request("GET", "/api/cameras/reclassifications/20261101000000-0123456789ab");
        var missing = await HttpTestHost.InvokeAsync(context, () => harness.Functions.GetReclassification(context.Request, "20261101000000-0123456789ab"));
        Assert.Equal(404, missing.Status);
        Assert.Equal("urn:smartcity:problem:reclassification-not-found", missing.Json.GetProperty("type").GetString());
    }
}
