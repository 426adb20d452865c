using System.Text.Json;
using SmartCity.Cameras.Storage;
using SmartCity.Cameras.Tests.Storage;

namespace SmartCity.Cameras.Tests;

/// <summary>
/// Honest confidence through the pipeline on Azurite with the bundled vehicle-type model: the stored
/// margin is the model's own top-1 minus top-2 probability, a margin under <c>Camera:UnsureMargin</c>
/// makes the result unsure (<c>low-margin</c>), and a model listed in <c>Camera:CalibratedModels</c>
/// answering a camera without a calibrated model is unsure too (<c>uncalibrated-camera</c>).
/// </summary>
[Collection(AzuriteDefinition.Name)]
public class CameraConfidenceTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 3, 8, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task A_result_records_its_margin_and_is_unsure_below_the_setting_or_on_an_uncalibrated_camera()
    {
        await using var pipeline = azurite.CreatePipeline();
        var image = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Samples, "vehicles", "car106.jpg"));
        var direct = await pipeline.Engine.PredictAsync("vehicle-type", null, image);
        var sorted = direct.Scores.OrderDescending().ToArray();
        var expectedMargin = sorted[0] - sorted[1];

        pipeline.Options.UnsureMargin = 0;
        await pipeline.RunAsync(await pipeline.UploadAsync("gate-1", "sure.jpg", image, T0));
        pipeline.Options.UnsureMargin = Math.Min(1.0, expectedMargin + 0.01);
        pipeline.Options.CalibratedModels = "traffic-scene, vehicle-type";
        await pipeline.RunAsync(await pipeline.UploadAsync("gate-1", "unsure.jpg", image, T0.AddMinutes(1)));

        var listed = (await pipeline.Query.ListAsync("gate-1", T0, T0.AddHours(1), null, "vehicle-type", 10, null)).Items.ToDictionary(i => i.BlobName);
        var sure = listed["sure.jpg"];
        Assert.Equal(("vehicle-type", "vehicle-type", false, "sure"), (sure.Model, sure.ServedBy, sure.Calibrated, sure.Confidence));
        Assert.Empty(sure.UnsureReasons!);
        Assert.Equal(expectedMargin, sure.Margin!.Value, 3);
        var unsure = listed["unsure.jpg"];
        Assert.Equal("unsure", unsure.Confidence);
        Assert.Equal(["low-margin", "uncalibrated-camera"], unsure.UnsureReasons!);
        Assert.Equal(sure.TopLabel, unsure.TopLabel);

        using var document = JsonDocument.Parse(await pipeline.ReadDocumentAsync(pipeline.Options.ResultsContainer, "gate-1/unsure.jpg.json"));
        var model = document.RootElement.GetProperty("models")[0];
        Assert.Equal("vehicle-type", model.GetProperty("servedBy").GetString());
        Assert.False(model.GetProperty("calibrated").GetBoolean());
        Assert.Equal("unsure", model.GetProperty("confidence").GetString());
        Assert.Equal(["low-margin", "uncalibrated-camera"], model.GetProperty("unsureReasons").EnumerateArray().Select(r => r.GetString()));
        Assert.False(model.TryGetProperty("estimates", out _)); // vehicle-type has no estimate head

        // The summary keeps the unsure result apart from the sure one, under the same label.
        var summary = await pipeline.Query.SummarizeAsync("gate-1", T0, T0.AddHours(1), SummaryInterval.Hour);
        var bucket = Assert.Single(summary.Buckets);
        Assert.Equal((sure.TopLabel, 2, 1, 1), (bucket.Label, bucket.Count, bucket.Sure, bucket.Unsure));
        Assert.Equal((2, 1), (summary.Classified, summary.Unsure));
    }

    [SkippableFact]
    public async Task A_margin_of_zero_never_flags_and_a_camera_of_an_unlisted_model_is_not_uncalibrated()
    {
        await using var pipeline = azurite.CreatePipeline();
        pipeline.Options.UnsureMargin = 0;
        pipeline.Options.CalibratedModels = "traffic-scene";
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(await pipeline.UploadAsync("gate-2", $"{i}.jpg", CameraImages.Synthetic(40 + i), T0.AddMinutes(i)));
        }

        var rows = await pipeline.RowsAsync("gate-2");
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal(("sure", "", false, "vehicle-type"), (r.GetString("Confidence"), r.GetString("UnsureReasons"), r.GetBoolean("Calibrated"), r.GetString("ServedBy"))));
    }
}
