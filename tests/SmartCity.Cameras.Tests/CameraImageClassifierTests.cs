using System.Text.Json;
using Azure;
using SkiaSharp;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Inference;

namespace SmartCity.Cameras.Tests;

[Collection(AzuriteDefinition.Name)]
public class CameraImageClassifierTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Base = new(2026, 1, 22, 0, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task Every_upload_gets_a_document_and_a_row_and_a_redelivery_writes_nothing()
    {
        await using var pipeline = azurite.CreatePipeline();
        var files = CameraImages.Samples()
            .Concat(CameraImages.Shared("vehicles/car", 12))
            .Concat(CameraImages.Shared("traffic-cameras", 6))
            .ToList();
        var uploads = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < files.Count; i++)
        {
            uploads.Add(await pipeline.UploadAsync("cam-1", $"frames/{i:D3}-{Path.GetFileName(files[i])}", await File.ReadAllBytesAsync(files[i])));
        }

        for (var i = 0; i < 4; i++)
        {
            uploads.Add(await pipeline.UploadAsync("cam-1", $"synthetic-{i}.png", CameraImages.Synthetic(i, format: SKEncodedImageFormat.Png)));
        }

        // Concurrent invocations, as the host runs them (their predictions share batches).
        await Task.WhenAll(uploads.Select(pipeline.RunAsync));

        var rows = await pipeline.RowsAsync("cam-1");
        var documents = await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer);
        Assert.Equal(uploads.Count, rows.Count);
        Assert.Equal(uploads.Count, documents.Count);
        Assert.All(rows, r => Assert.Equal("classified", r.GetString("Status")));
        Assert.Equal(uploads.Select(u => u.Name[("cam-1/".Length)..]).Order(), rows.Select(r => r.GetString("BlobName")).Order());

        var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, $"{uploads[0].Name}.json")).RootElement;
        var properties = await uploads[0].GetPropertiesAsync();
        Assert.Equal(uploads[0].Uri.AbsoluteUri, document.GetProperty("sourceUri").GetString());
        Assert.Equal(properties.Value.ETag.ToString(), document.GetProperty("sourceETag").GetString());
        Assert.Equal("vehicle-type", document.GetProperty("models")[0].GetProperty("model").GetString());
        Assert.True(document.GetProperty("models")[0].GetProperty("predictions").GetArrayLength() > 0);
        Assert.True(document.GetProperty("width").GetInt32() > 0);
        Assert.Equal("upload", document.GetProperty("captureTimeSource").GetString());

        if (CameraImages.Shared("vehicles/car", 1).Any())
        {
            var cars = rows.Where(r => r.GetString("BlobName")!.Contains("-car", StringComparison.Ordinal)).ToList();
            Assert.True(cars.Count(r => r.GetString("TopLabel") == "car") * 2 > cars.Count, "Most car crops should be classified as car.");
        }

        // Event Grid delivers at least once: the same ETag again writes nothing.
        var etagsBefore = documents.ToDictionary(d => d.Name, d => d.Properties.ETag);
        var timestampsBefore = rows.ToDictionary(r => r.RowKey, r => r.Timestamp);
        await Task.WhenAll(uploads.Select(pipeline.RunAsync));
        var rowsAfter = await pipeline.RowsAsync("cam-1");
        Assert.Equal(timestampsBefore, rowsAfter.ToDictionary(r => r.RowKey, r => r.Timestamp));
        Assert.Equal(etagsBefore, (await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer)).ToDictionary(d => d.Name, d => d.Properties.ETag));
    }

    [SkippableFact]
    public async Task A_reupload_with_a_new_capture_time_replaces_the_result_instead_of_adding_one()
    {
        await using var pipeline = azurite.CreatePipeline();
        var blob = await pipeline.UploadAsync("cam-2", "gate.jpg", CameraImages.Synthetic(10), Base.AddHours(1));
        await pipeline.RunAsync(blob);
        var first = Assert.Single(await pipeline.RowsAsync("cam-2"));
        Assert.Equal(Base.AddHours(1), first.GetDateTimeOffset("CapturedAt"));

        blob = await pipeline.UploadAsync("cam-2", "gate.jpg", CameraImages.Synthetic(11), Base.AddHours(5));
        var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        await pipeline.RunAsync(blob);

        var row = Assert.Single(await pipeline.RowsAsync("cam-2"));
        Assert.Equal(Base.AddHours(5), row.GetDateTimeOffset("CapturedAt"));
        Assert.Equal(etag, row.GetString("SourceETag"));
        Assert.Equal("metadata", row.GetString("CaptureTimeSource"));
        var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "cam-2/gate.jpg.json")).RootElement;
        Assert.Equal(etag, document.GetProperty("sourceETag").GetString());
        Assert.Equal(Base.AddHours(5), document.GetProperty("capturedAt").GetDateTimeOffset());
    }

    [SkippableFact]
    public async Task Capture_time_comes_from_metadata_then_EXIF_then_the_upload_time()
    {
        await using var pipeline = azurite.CreatePipeline();
        var taken = new DateTime(2026, 1, 20, 8, 30, 15);
        var exif = CameraImages.WithExif(CameraImages.Synthetic(20), taken);
        var fromExif = await pipeline.UploadAsync("cam-3", "exif.jpg", exif);
        var fromMetadata = await pipeline.UploadAsync("cam-3", "both.jpg", exif, Base.AddMinutes(7));
        var fromUpload = await pipeline.UploadAsync("cam-3", "plain.jpg", CameraImages.Synthetic(21));
        await Task.WhenAll(pipeline.RunAsync(fromExif), pipeline.RunAsync(fromMetadata), pipeline.RunAsync(fromUpload));

        var rows = (await pipeline.RowsAsync("cam-3")).ToDictionary(r => r.GetString("BlobName")!);
        Assert.Equal(new DateTimeOffset(taken, TimeSpan.Zero), rows["exif.jpg"].GetDateTimeOffset("CapturedAt"));
        Assert.Equal("exif", rows["exif.jpg"].GetString("CaptureTimeSource"));
        Assert.Equal(Base.AddMinutes(7), rows["both.jpg"].GetDateTimeOffset("CapturedAt"));
        Assert.Equal((await fromUpload.GetPropertiesAsync()).Value.LastModified, rows["plain.jpg"].GetDateTimeOffset("CapturedAt"));
        Assert.Equal("upload", rows["plain.jpg"].GetString("CaptureTimeSource"));
    }

    [SkippableFact]
    public async Task An_upload_with_an_impossible_EXIF_time_is_classified_with_its_upload_time()
    {
        await using var pipeline = azurite.CreatePipeline();
        var hostile = CameraImages.WithExif(CameraImages.Synthetic(22), new DateTime(1, 1, 1, 0, 0, 0), "+01:00");
        var blob = await pipeline.UploadAsync("cam-3", "year-one.jpg", hostile);

        await pipeline.RunAsync(blob);

        var row = Assert.Single(await pipeline.RowsAsync("cam-3"));
        Assert.Equal("classified", row.GetString("Status"));
        Assert.Equal("upload", row.GetString("CaptureTimeSource"));
        Assert.Equal((await blob.GetPropertiesAsync()).Value.LastModified, row.GetDateTimeOffset("CapturedAt"));
    }

    [SkippableFact]
    public async Task An_upload_over_the_byte_limit_is_rejected_without_being_read()
    {
        await using var pipeline = azurite.CreatePipeline(maxImageBytes: 1000);
        var image = CameraImages.Synthetic(23);
        var blob = await pipeline.UploadAsync("cam-5", "big.jpg", image, Base);

        await pipeline.RunAsync(blob);

        var row = Assert.Single(await pipeline.RowsAsync("cam-5"));
        Assert.Equal(("rejected", "file-too-large"), (row.GetString("Status"), row.GetString("Reason")));
        var record = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.RejectedContainer, "cam-5/big.jpg.json")).RootElement;
        Assert.Equal(image.Length, record.GetProperty("contentLength").GetInt64());
        Assert.Contains("Camera:MaxImageBytes", record.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Unreadable_uploads_are_rejected_with_their_reason_and_the_original_is_left_alone()
    {
        await using var small = AzuriteFixture.CreateEngine(new InferenceOptions { ModelsPath = TestPaths.Models, MaxPixels = 100 * 100 });
        await using var pipeline = azurite.CreatePipeline(engine: small);
        var jpeg = CameraImages.Synthetic(30); // 320x240: over the 100x100 limit
        var smallJpeg = CameraImages.Synthetic(32, 80, 60);
        var cases = new Dictionary<string, (byte[] Content, string Reason)>
        {
            ["empty.jpg"] = ([], "empty-image"),
            ["notes.jpg"] = ("this is not an image"u8.ToArray(), "unsupported-format"),
            ["truncated.jpg"] = (smallJpeg[..(smallJpeg.Length / 3)], "corrupt-image"),
            ["huge.jpg"] = (jpeg, "too-many-pixels"),
        };
        var blobs = new Dictionary<string, (Azure.Storage.Blobs.BlobClient Blob, ETag ETag)>();
        foreach (var (name, (content, _)) in cases)
        {
            var blob = await pipeline.UploadAsync("cam-4", name, content);
            blobs[name] = (blob, (await blob.GetPropertiesAsync()).Value.ETag);
        }

        foreach (var (blob, _) in blobs.Values)
        {
            await pipeline.RunAsync(blob); // returns normally: no retry storm
        }

        var rows = (await pipeline.RowsAsync("cam-4")).ToDictionary(r => r.GetString("BlobName")!);
        Assert.Empty(await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer));
        foreach (var (name, (content, reason)) in cases)
        {
            Assert.Equal("rejected", rows[name].GetString("Status"));
            Assert.Equal(reason, rows[name].GetString("Reason"));
            var record = await pipeline.ReadDocumentAsync(pipeline.Options.RejectedContainer, $"cam-4/{name}.json");
            var json = JsonDocument.Parse(record).RootElement;
            Assert.Equal(reason, json.GetProperty("reason").GetString());
            Assert.Equal(blobs[name].ETag.ToString(), json.GetProperty("sourceETag").GetString());
            Assert.True(record.Length < 2048, "A rejection record holds no pixels.");
            var original = await blobs[name].Blob.DownloadContentAsync();
            Assert.Equal(blobs[name].ETag, original.Value.Details.ETag);
            Assert.Equal(content, original.Value.Content.ToArray());
        }

        // A rejected upload replaced by a readable one: the rejection goes, the classification comes.
        var fixedBlob = await pipeline.UploadAsync("cam-4", "truncated.jpg", CameraImages.Synthetic(31, 80, 60));
        await pipeline.RunAsync(fixedBlob);
        var row = Assert.Single(await pipeline.RowsAsync("cam-4"), r => r.GetString("BlobName") == "truncated.jpg");
        Assert.Equal("classified", row.GetString("Status"));
        Assert.DoesNotContain(await pipeline.DocumentsAsync(pipeline.Options.RejectedContainer), d => d.Name == "cam-4/truncated.jpg.json");
        Assert.Contains(await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer), d => d.Name == "cam-4/truncated.jpg.json");
    }
}
