using System.Globalization;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Cameras.Tests;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;

namespace SmartCity.Functions.Tests.Cameras;

/// <summary>
/// The blob-triggered function in front of the classifier: the Event Grid webhook neither filters
/// nor checks paths, so the function must drop what is not <c>{container}/{cameraId}/{name}</c>.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class ClassifyCameraImageTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task Events_outside_the_container_or_the_path_are_ignored_without_writing()
    {
        await using var pipeline = azurite.CreatePipeline();
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var other = pipeline.Uploads.GetBlobContainerClient(pipeline.Options.ImagesContainer + "-x");
        await other.CreateIfNotExistsAsync();
        try
        {
            var outside = other.GetBlobClient("cam-5/frame.jpg");
            await outside.UploadAsync(BinaryData.FromBytes(CameraImages.Synthetic(40)));
            var rootLevel = await pipeline.UploadAsync("cam-5", "x.jpg", CameraImages.Synthetic(41));
            var atRoot = pipeline.Images.GetBlobClient("frame.jpg");
            await atRoot.UploadAsync(BinaryData.FromBytes(CameraImages.Synthetic(42)));

            await function.RunAsync(outside, "cam-5", "frame.jpg", CancellationToken.None);
            await function.RunAsync(atRoot, null, null, CancellationToken.None);
            await function.RunAsync(rootLevel, null, "x.jpg", CancellationToken.None);
            await function.RunAsync(rootLevel, "cam-5", null, CancellationToken.None);
            await function.RunAsync(rootLevel, "../cam", "x.jpg", CancellationToken.None);
            await function.RunAsync(rootLevel, "cam-6", "x.jpg", CancellationToken.None); // binding values that do not match the blob

            Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer));
            Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.RejectedContainer));
            // The function returned before touching the results store: the table was not even created.
            Assert.False((await pipeline.ResultTables.QueryAsync(Azure.Data.Tables.TableClient.CreateQueryFilter($"TableName eq {pipeline.Options.TableName}")).ToListAsync()).Count > 0);
        }
        finally
        {
            await other.DeleteIfExistsAsync();
        }
    }

    [SkippableTheory]
    [InlineData("cam-1", "../x.jpg")]
    [InlineData("cam-1", "./a.jpg")]
    [InlineData("cam-1", "a/../../b.jpg")]
    public async Task A_blob_name_with_dot_segments_is_ignored_with_a_log_line_and_nothing_is_written(string cameraId, string name)
    {
        await using var pipeline = azurite.CreatePipeline();
        var logger = new RecordingLogger<ClassifyCameraImage>();
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), logger);
        // The blobs a normalised URI would reach exist: without the check, their results would be
        // written under names outside the camera's folder (x.jpg.json at the container root).
        foreach (var (camera, blobName) in new[] { ("x.jpg", string.Empty), ("cam-1", "a.jpg"), ("b.jpg", string.Empty) })
        {
            var target = blobName.Length == 0 ? pipeline.Images.GetBlobClient(camera) : pipeline.Images.GetBlobClient($"{camera}/{blobName}");
            await target.UploadAsync(BinaryData.FromBytes(CameraImages.Synthetic(43)), overwrite: true);
        }

        await function.RunAsync(pipeline.Images.GetBlobClient($"{cameraId}/{name}"), cameraId, name, CancellationToken.None);

        var line = Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains($"Ignored blob event for {pipeline.Options.ImagesContainer}/", line.Message, StringComparison.Ordinal);
        Assert.Contains($"(path {cameraId}/{name})", line.Message, StringComparison.Ordinal);
        Assert.Contains("'.' or '..'", line.Message, StringComparison.Ordinal);
        Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer));
        Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.RejectedContainer));
        Assert.False((await pipeline.ResultTables.QueryAsync(Azure.Data.Tables.TableClient.CreateQueryFilter($"TableName eq {pipeline.Options.TableName}")).ToListAsync()).Count > 0);
    }

    /// <summary>
    /// Capture times at the edges of the calendar (issue items 4 and 5): EXIF 0001:01:01 00:00:00
    /// with +01:00 lies before <see cref="DateTimeOffset.MinValue"/> in UTC and 9999:12:31 23:59:59
    /// with -01:00 after <see cref="DateTimeOffset.MaxValue"/> (the old reader threw outside any try,
    /// so the upload ended in the poison queue); a time before 1601, from EXIF or metadata, is one
    /// Azure Table Storage refuses (the whole transaction would fail on every retry); a time after
    /// the upload comes from a wrong camera clock. None is a time the upload can have: the upload
    /// is classified once, with its upload time, even when Event Grid delivers it twice at once.
    /// </summary>
    [SkippableTheory]
    [InlineData("0001:01:01 00:00:00", "+01:00", null)]
    [InlineData("9999:12:31 23:59:59", "-01:00", null)]
    [InlineData("1600:12:31 23:59:59", null, null)]
    [InlineData("2099:01:01 00:00:00", "+01:00", null)] // after the upload: a wrong camera clock
    [InlineData(null, null, "1600-12-31T23:59:59Z")]
    [InlineData(null, null, "1601-01-01T00:30:00+01:00")]
    [InlineData(null, null, "0001-01-01T00:00:00Z")]
    public async Task A_capture_time_at_the_edge_of_the_calendar_is_not_used_and_the_upload_gets_one_result(string? exif, string? offset, string? metadata)
    {
        await using var pipeline = azurite.CreatePipeline();
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var image = CameraImages.Synthetic(44);
        if (exif is not null)
        {
            image = CameraImages.WithExif(image, DateTime.ParseExact(exif, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture), offset);
        }

        var blob = pipeline.Images.GetBlobClient("cam-edge/frame.jpg");
        var upload = new BlobUploadOptions { Metadata = metadata is null ? null : new Dictionary<string, string> { [CameraImageClassifier.MetadataCapturedAt] = metadata } };
        await blob.UploadAsync(BinaryData.FromBytes(image), upload);

        await Task.WhenAll(function.RunAsync(blob, "cam-edge", "frame.jpg", CancellationToken.None), function.RunAsync(blob, "cam-edge", "frame.jpg", CancellationToken.None));

        var row = Assert.Single(await pipeline.RowsAsync("cam-edge"));
        Assert.Equal((CameraImageClassifier.StatusClassified, CaptureTime.FromUpload), (row.GetString("Status"), row.GetString("CaptureTimeSource")));
        Assert.Equal((await blob.GetPropertiesAsync()).Value.LastModified, row.GetDateTimeOffset("CapturedAt"));
        Assert.Equal(["cam-edge/frame.jpg.json"], (await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer)).Select(d => d.Name));
        Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.RejectedContainer));
    }
}
