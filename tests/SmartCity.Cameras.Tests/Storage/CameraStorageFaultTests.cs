using Azure;
using Azure.Core;

namespace SmartCity.Cameras.Tests.Storage;

[Collection(AzuriteDefinition.Name)]
public class CameraStorageFaultTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Base = new(2026, 1, 22, 0, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task A_storage_outage_surfaces_to_the_host_and_the_retry_leaves_nothing_missing_or_doubled()
    {
        var faults = new FaultPolicy();
        await using var pipeline = azurite.CreatePipeline(faults);
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < 6; i++)
        {
            blobs.Add(await pipeline.UploadAsync("cam-f", $"f{i}.jpg", CameraImages.Synthetic(200 + i), Base.AddMinutes(i)));
        }

        // Table writes fail: every invocation throws, so the host retries it.
        faults.ShouldFail = FaultPolicy.IsTableWrite;
        foreach (var blob in blobs)
        {
            await Assert.ThrowsAnyAsync<RequestFailedException>(() => pipeline.RunAsync(blob));
        }

        Assert.True(faults.Failures >= blobs.Count);
        Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer));

        // Then the document writes fail, after the rows are in: still a failure for the host.
        faults.ShouldFail = m => m.Request.Method == RequestMethod.Put && m.Request.Uri.ToUri().AbsolutePath.Contains(pipeline.Options.ResultsContainer + "/", StringComparison.Ordinal);
        foreach (var blob in blobs.Take(3))
        {
            await Assert.ThrowsAnyAsync<RequestFailedException>(() => pipeline.RunAsync(blob));
        }

        Assert.Equal(3, (await pipeline.RowsAsync("cam-f")).Count);

        // Recovery: the host's retries complete everything exactly once.
        faults.ShouldFail = _ => false;
        await Task.WhenAll(blobs.Select(pipeline.RunAsync));
        await Task.WhenAll(blobs.Select(pipeline.RunAsync)); // and a late duplicate delivery

        var rows = await pipeline.RowsAsync("cam-f");
        Assert.Equal(blobs.Count, rows.Count);
        Assert.Equal(blobs.Count, rows.Select(r => r.GetString("BlobName")).Distinct().Count());
        Assert.Equal(blobs.Count, (await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer)).Count);
    }

    [SkippableFact]
    public async Task A_replacement_interrupted_before_the_old_row_is_deleted_is_completed_by_the_retry()
    {
        var faults = new FaultPolicy();
        await using var pipeline = azurite.CreatePipeline(faults);
        var blob = await pipeline.UploadAsync("cam-g", "gate.jpg", CameraImages.Synthetic(300), Base);
        await pipeline.RunAsync(blob);

        blob = await pipeline.UploadAsync("cam-g", "gate.jpg", CameraImages.Synthetic(301), Base.AddHours(2));
        faults.ShouldFail = StepGate.IsTableWriteAfterDocument(pipeline.Options); // the transaction that deletes the old row
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => pipeline.RunAsync(blob));
        Assert.Equal(2, (await pipeline.RowsAsync("cam-g")).Count); // new row in, old one not yet deleted

        faults.ShouldFail = _ => false;
        await pipeline.RunAsync(blob);
        var row = Assert.Single(await pipeline.RowsAsync("cam-g"));
        Assert.Equal(Base.AddHours(2), row.GetDateTimeOffset("CapturedAt"));
    }
}
