using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace SmartCity.Cameras.Tests.Storage;

/// <summary>
/// A camera that overwrites one blob name (<c>latest.jpg</c>): deliveries of different versions
/// overlap on different instances. Whatever the interleaving, what is stored in the end is the
/// rows and the document of the blob's newest version, and nothing else.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public class ConcurrentReuploadTests(AzuriteFixture azurite)
{
    private const string Name = "latest.jpg";
    private static readonly DateTimeOffset T0 = new(2026, 1, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The older delivery (version 1, downloaded first) is held at <paramref name="pause"/> while
    /// version 2 is uploaded and delivered on another instance; then it goes on. With
    /// <paramref name="nextSecond"/> the versions' Last-Modified differ (it has 1 s resolution);
    /// without it they usually share one second, and only the ETags tell them apart.
    /// </summary>
    [SkippableTheory]
    [InlineData("index-read", false)]
    [InlineData("index-read", true)]
    [InlineData("claim", false)]
    [InlineData("claim", true)]
    [InlineData("document", false)]
    [InlineData("document", true)]
    [InlineData("finish", false)]
    [InlineData("finish", true)]
    [InlineData("newer-held-at-document", false)]
    [InlineData("newer-held-at-document", true)]
    [InlineData("rejected-then-classified", false)]
    public async Task Overlapping_deliveries_of_a_rewritten_blob_leave_only_the_newest_version(string pause, bool nextSecond)
    {
        await using var pipeline = azurite.CreatePipeline();
        var older = OlderGate(pause, pipeline.Options);
        var newer = pause == "newer-held-at-document" ? new StepGate(StepGate.IsDocumentWrite(pipeline.Options)) : StepGate.Open();
        var (first, second) = (pipeline.CreateInstance(older), pipeline.CreateInstance(newer));
        await StartOfASecondAsync();
        var version1 = pause == "rejected-then-classified" ? "not an image"u8.ToArray() : CameraImages.Synthetic(1);
        var blob = await pipeline.UploadAsync("cam-r", Name, version1, T0);

        var olderRun = CameraTestPipeline.RunAsync(first, blob);
        await ReachedAsync(older, olderRun);
        if (nextSecond)
        {
            await Task.Delay(1100);
        }

        await pipeline.UploadAsync("cam-r", Name, CameraImages.Synthetic(2), T0.AddMinutes(1));
        var newerRun = CameraTestPipeline.RunAsync(second, blob);
        await FinishBothAsync(older, olderRun, pause == "newer-held-at-document" ? newer : null, newerRun);

        await AssertOnlyTheCurrentVersionAsync(pipeline, blob, "cam-r", T0.AddMinutes(1));
        await pipeline.RunAsync(blob); // a late redelivery changes nothing
        await AssertOnlyTheCurrentVersionAsync(pipeline, blob, "cam-r", T0.AddMinutes(1));
    }

    [SkippableFact]
    public async Task Rounds_of_concurrent_rewrites_and_redeliveries_end_on_the_blobs_current_version()
    {
        await using var pipeline = azurite.CreatePipeline();
        var instances = new[] { pipeline.Classifier, pipeline.CreateInstance(), pipeline.CreateInstance() };
        for (var round = 0; round < 6; round++)
        {
            var camera = $"cam-c{round}";
            var deliveries = new List<Task>();
            BlobClient blob = null!;
            for (var version = 0; version < 4; version++)
            {
                // Some versions are unreadable: the stored record switches between result and rejection.
                var content = (round + version) % 3 == 1 ? "not an image"u8.ToArray() : CameraImages.Synthetic((round * 10) + version);
                blob = await pipeline.UploadAsync(camera, Name, content, T0.AddMinutes(version));
                for (var delivery = 0; delivery < 2; delivery++)
                {
                    var instance = instances[(version + delivery) % instances.Length];
                    var target = blob;
                    deliveries.Add(Task.Run(() => CameraTestPipeline.RunAsync(instance, target)));
                }
            }

            await Task.WhenAll(deliveries).WaitAsync(Patience);
            await AssertOnlyTheCurrentVersionAsync(pipeline, blob, camera, T0.AddMinutes(3));
        }
    }

    /// <summary>The rows, index and document of the blob's current version, no other row and no other document.</summary>
    private static async Task AssertOnlyTheCurrentVersionAsync(CameraTestPipeline pipeline, BlobClient blob, string camera, DateTimeOffset capturedAt)
    {
        var current = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        var row = Assert.Single(await pipeline.RowsAsync(camera));
        Assert.Equal((current, capturedAt), (row.GetString("SourceETag"), row.GetDateTimeOffset("CapturedAt")));
        var index = (await pipeline.Table.GetEntityAsync<TableEntity>(camera, SmartCity.Cameras.Storage.CameraRowKeys.Index(Name))).Value;
        Assert.Equal((current, true, row.RowKey, string.Empty), (index.GetString("SourceETag"), index.GetBoolean("Complete"), index.GetString("RowKeys"), index.GetString("StaleRowKeys")));
        var (container, other) = row.GetString("Status") == CameraImageClassifier.StatusClassified
            ? (pipeline.Options.ResultsContainer, pipeline.Options.RejectedContainer)
            : (pipeline.Options.RejectedContainer, pipeline.Options.ResultsContainer);
        var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(container, $"{camera}/{Name}.json")).RootElement;
        Assert.Equal(current, document.GetProperty("sourceETag").GetString());
        Assert.Equal([row.RowKey], document.GetProperty("rowKeys").EnumerateArray().Select(k => k.GetString()));
        Assert.DoesNotContain(await pipeline.DocumentsAsync(other), d => d.Name == $"{camera}/{Name}.json");
    }

    /// <summary>Where the older delivery is held.</summary>
    private static StepGate OlderGate(string pause, CameraPipelineOptions options) => new(pause switch
    {
        "index-read" or "newer-held-at-document" => StepGate.IsIndexRead,
        "claim" => FaultPolicy.IsTableWrite,
        "document" or "rejected-then-classified" => StepGate.IsDocumentWrite(options),
        "finish" => StepGate.IsTableWriteAfterDocument(options),
        _ => throw new ArgumentOutOfRangeException(nameof(pause)),
    });

    /// <summary>
    /// The newer delivery runs to its end (or, with <paramref name="newer"/>, to that gate), then the
    /// older goes on to its end (and then the held newer one).
    /// </summary>
    private static async Task FinishBothAsync(StepGate older, Task olderRun, StepGate? newer, Task newerRun)
    {
        if (newer is not null)
        {
            await ReachedAsync(newer, newerRun);
        }
        else
        {
            await newerRun.WaitAsync(Patience);
        }

        older.Release();
        await olderRun.WaitAsync(Patience);
        newer?.Release();
        await newerRun.WaitAsync(Patience);
    }

    /// <summary>Waits for the gate, or fails when the delivery finished without reaching it (the interleaving did not happen).</summary>
    private static async Task ReachedAsync(StepGate gate, Task run)
    {
        await Task.WhenAny(gate.Reached, run).WaitAsync(Patience);
        if (!gate.Reached.IsCompleted)
        {
            await run;
            Assert.Fail("The delivery finished without reaching the step the test holds it at.");
        }
    }

    /// <summary>Waits for the start of the next second, so two uploads in quick succession share a Last-Modified.</summary>
    private static Task StartOfASecondAsync() => Task.Delay(1000 - DateTimeOffset.UtcNow.Millisecond + 10);
}
