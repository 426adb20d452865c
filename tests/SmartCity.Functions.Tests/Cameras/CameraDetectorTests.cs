using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Inference;

namespace SmartCity.Functions.Tests.Cameras;

/// <summary>
/// A camera whose model is an object detector (the Custom Vision detection fixture), through the
/// blob-triggered function on Azurite: the stored document carries every box, the row its counts
/// per label, and the summary counts objects per label per interval (frames, total, mean, max).
/// The fixture finds a car and a bus in a white frame, one car in a red one, nothing in a black one.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public sealed class CameraDetectorTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task A_detector_camera_stores_the_boxes_and_the_summary_counts_objects_per_label_per_interval()
    {
        Skip.IfNot(azurite.Available, AzuriteFixture.SkipMessage);
        await using var engine = AzuriteFixture.CreateEngine(new InferenceOptions { ModelsPath = TestPaths.FixtureModels });
        await using var pipeline = azurite.CreatePipeline(engine: engine, modelRoutes: "bays=custom-vision-detector");
        pipeline.Options.UnsureMargin = 1.0;
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var frames = new (string Name, SKColor Color, DateTimeOffset At)[]
        {
            ("0800.png", SKColors.White, T0.AddMinutes(5)),
            ("0810.png", SKColors.Red, T0.AddMinutes(10)),
            ("0820.png", SKColors.Black, T0.AddMinutes(20)),
            ("0900.png", SKColors.Red, T0.AddMinutes(65)),
        };
        foreach (var (name, color, at) in frames)
        {
            var blob = await pipeline.UploadAsync("bays", name, TestSupport.Solid(color, size: 16), at);
            await function.RunAsync(blob, "bays", name, CancellationToken.None);
        }

        // The document: every object with its box, as fractions of the image.
        using var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "bays/0800.png.json"));
        var model = document.RootElement.GetProperty("models")[0];
        Assert.Equal("custom-vision-detector", model.GetProperty("model").GetString());
        var detections = model.GetProperty("detections").EnumerateArray().ToList();
        Assert.Equal(["car", "bus"], detections.Select(d => d.GetProperty("label").GetString()));
        Assert.Equal(0.9, detections[0].GetProperty("probability").GetDouble(), 4);
        Assert.Equal([0.1, 0.1, 0.4, 0.4], new[] { "left", "top", "width", "height" }.Select(n => Math.Round(detections[0].GetProperty(n).GetDouble(), 4)));
        Assert.Equal([0.6, 0.5, 0.3, 0.5], new[] { "left", "top", "width", "height" }.Select(n => Math.Round(detections[1].GetProperty(n).GetDouble(), 4)));
        using var black = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "bays/0820.png.json"));
        Assert.Empty(black.RootElement.GetProperty("models")[0].GetProperty("detections").EnumerateArray());

        // The rows (the query API): counts per label.
        var listed = await pipeline.Query.ListAsync("bays", T0, T0.AddHours(2), null, null, 100, null);
        var byBlob = listed.Items.ToDictionary(r => r.BlobName, StringComparer.Ordinal);
        Assert.Equal(new Dictionary<string, int> { ["bus"] = 1, ["car"] = 1 }, byBlob["0800.png"].ObjectCounts);
        Assert.Equal(new Dictionary<string, int> { ["car"] = 1 }, byBlob["0810.png"].ObjectCounts);
        Assert.Equal(new Dictionary<string, int>(), byBlob["0820.png"].ObjectCounts);
        // A detector has no margin: its results are never low-margin, whatever Camera:UnsureMargin says.
        Assert.All(listed.Items, r => Assert.Equal(("sure", (float?)null, "custom-vision-detector"), (r.Confidence, r.Margin, r.ServedBy)));

        // The summary endpoint: per hour, per label, over every frame of the hour (a frame without the label counts 0).
        var context = HttpTestHost.Request("GET", "/api/cameras/bays/summary", query: $"from={T0:O}&to={T0.AddHours(2):O}&interval=hour".Replace("+", "%2B", StringComparison.Ordinal));
        var response = await HttpTestHost.InvokeAsync(context, () => new CameraResultsFunctions(pipeline.Query).SummaryAsync(context.Request, "bays", CancellationToken.None));
        Assert.True(response.Status == 200, response.Body);
        var summary = response.Json;
        Assert.Equal(4, summary.GetProperty("classified").GetInt32());
        Assert.Empty(summary.GetProperty("buckets").EnumerateArray()); // a detector's rows are not top-label buckets
        var objects = summary.GetProperty("objects").EnumerateArray()
            .Select(o => (Start: o.GetProperty("start").GetDateTimeOffset(), Label: o.GetProperty("label").GetString(), Frames: o.GetProperty("frames").GetInt32(), Total: o.GetProperty("total").GetInt32(), Mean: o.GetProperty("mean").GetDouble(), Max: o.GetProperty("max").GetInt32()))
            .ToList();
        Assert.All(summary.GetProperty("objects").EnumerateArray(), o => Assert.Equal("custom-vision-detector", o.GetProperty("model").GetString()));
        Assert.Equal(
            [(T0, "bus", 3, 1, 0.3333, 1), (T0, "car", 3, 2, 0.6667, 1), (T0.AddHours(1), "car", 1, 1, 1.0, 1)],
            objects);
    }
}
