using System.Text.Json;
using SmartCity.Cameras.Storage;
using SmartCity.Cameras.Tests.Storage;

namespace SmartCity.Cameras.Tests;

/// <summary>Chosen camera results get an explanation stored beside their document.</summary>
[Collection(AzuriteDefinition.Name)]
public class CameraExplanationTests(AzuriteFixture azurite)
{
    [SkippableFact]
    public async Task A_result_with_a_listed_label_gets_an_explanation_beside_its_document_and_others_do_not()
    {
        await using var pipeline = azurite.CreatePipeline();
        pipeline.Options.ExplainLabels = "truck, minibus";
        var truck = await pipeline.UploadAsync("cam-x", "truck106.jpg", await File.ReadAllBytesAsync(Path.Combine(TestPaths.Samples, "vehicles", "truck106.jpg")));
        var bike = await pipeline.UploadAsync("cam-x", "bike106.jpg", await File.ReadAllBytesAsync(Path.Combine(TestPaths.Samples, "vehicles", "bike106.jpg")));
        await pipeline.RunAsync(truck);
        await pipeline.RunAsync(bike);

        var names = (await pipeline.DocumentsAsync(pipeline.Options.ResultsContainer)).Select(b => b.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["cam-x/bike106.jpg.json", "cam-x/truck106.jpg.explain.json", "cam-x/truck106.jpg.json"], names);
        var content = await pipeline.Uploads.GetBlobContainerClient(pipeline.Options.ResultsContainer)
            .GetBlobClient(CameraResultStore.ExplanationName("cam-x", "truck106.jpg")).DownloadContentAsync();
        using var document = JsonDocument.Parse(content.Value.Content.ToString());
        var model = document.RootElement.GetProperty("models")[0];
        Assert.Equal("vehicle-type", model.GetProperty("model").GetString());
        Assert.Equal("occlusion", model.GetProperty("method").GetString());
        Assert.Contains("Camera:ExplainLabels", model.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var map = model.GetProperty("maps")[0];
        Assert.Equal("truck", map.GetProperty("label").GetString());
        Assert.Equal(model.GetProperty("rows").GetInt32() * model.GetProperty("columns").GetInt32(), map.GetProperty("scores").GetArrayLength());
        Assert.StartsWith("iVBORw0KGgo", map.GetProperty("png").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_low_top_probability_or_a_listed_label_is_a_reason_to_explain()
    {
        var options = new CameraPipelineOptions { ExplainBelowProbability = 0.6, ExplainLabels = "heavy" };
        Assert.NotNull(options.ExplainReason("free", 0.5f));
        Assert.Null(options.ExplainReason("free", 0.9f));
        Assert.NotNull(options.ExplainReason("heavy", 0.99f));
        Assert.Null(new CameraPipelineOptions().ExplainReason("heavy", 0.01f));
    }
}
