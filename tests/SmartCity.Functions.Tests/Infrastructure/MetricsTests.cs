using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Cameras.Telemetry;
using SmartCity.Cameras.Tests;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Http;
using SmartCity.Inference.Telemetry;
using static SmartCity.Functions.Tests.HttpTestHost;

namespace SmartCity.Functions.Tests.Infrastructure;

/// <summary>Alone, after the parallel collections: the meters are process-wide, so counts are exact only when nothing else runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsDefinition : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Metrics";
}

/// <summary>What an operator alerts on (README "Metrics"), read as the exporter receives it, after real calls.</summary>
[Collection(MetricsDefinition.Name)]
public sealed class MetricsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Predictions_count_once_per_image_with_their_outcome_durations_and_batch_sizes()
    {
        using var metrics = new AppMetrics();
        await using var engine = TestSupport.FixtureEngine();
        var functions = new PredictFunctions(new PredictHandler(engine, TestSupport.HttpOptions()));

        var (body, type) = await TestSupport.Multipart(("a.png", TestSupport.Solid(SKColors.Red)), ("b.png", TestSupport.Solid(SKColors.Blue)));
        var two = Request("POST", "/api/models/channel-logits/predict", body, type);
        Assert.Equal(200, (await InvokeAsync(two, () => functions.Predict(two.Request, "channel-logits"))).Status);
        var corrupt = Request("POST", "/api/models/channel-logits/predict", TestSupport.CorruptPng(), "image/png");
        Assert.Equal(400, (await InvokeAsync(corrupt, () => functions.Predict(corrupt.Request, "channel-logits"))).Status);

        metrics.Collect();
        (string, object)[] model = [("model", "channel-logits"), ("model.version", "2")];
        Assert.Equal(2, metrics.Count(InferenceMetrics.Requests, [.. model, ("outcome", "success")]));
        Assert.Equal(1, metrics.Count(InferenceMetrics.Requests, [.. model, ("outcome", "failure"), ("error.type", "corrupt-image")]));
        Assert.Equal(3, metrics.Histogram(InferenceMetrics.RequestDuration, model).Count);
        Assert.Equal(2, metrics.Histogram(InferenceMetrics.QueueDuration, model).Count);
        // The two images of one request are announced together: whatever the batches, they hold both, once.
        var batches = metrics.Histogram(InferenceMetrics.BatchSize, model);
        Assert.InRange(batches.Count, 1, 2);
        Assert.Equal(2, batches.Sum);
        Assert.Equal(batches.Count, metrics.Histogram(InferenceMetrics.ComputeDuration, model).Count);
        Assert.True(metrics.Histogram(InferenceMetrics.ComputeDuration, model).Sum > 0);
    }

    [SkippableFact]
    public async Task A_full_queue_is_counted_as_a_failure_named_queue_full()
    {
        using var metrics = new AppMetrics();
        await using var engine = TestSupport.FixtureEngine(o => { o.MaxQueueLength = 1; o.MaxBatchSize = 1; });
        var model = engine.Repository.Get("channel-logits", null);
        var image = TestSupport.Solid(SKColors.Red, 64);
        var calls = Enumerable.Range(0, 64).Select(_ => Task.Run(() => engine.PredictAsync(model, image))).ToArray();
        var refused = 0;
        foreach (var call in calls)
        {
            try
            {
                await call;
            }
            catch (SmartCity.Inference.InferenceQueueFullException)
            {
                refused++;
            }
        }

        metrics.Collect();
        Skip.If(refused == 0, "The queue never filled on this machine (every call found room).");
        Assert.Equal(refused, metrics.Count(InferenceMetrics.Requests, ("model", "channel-logits"), ("outcome", "failure"), ("error.type", "queue-full")));
        Assert.Equal(64 - refused, metrics.Count(InferenceMetrics.Requests, ("model", "channel-logits"), ("outcome", "success")));
    }

    [SkippableFact]
    public async Task Camera_uploads_count_once_per_delivery_by_outcome()
    {
        await using var pipeline = azurite.CreatePipeline();
        pipeline.Options.UnsureMargin = 1.0; // every classifier result is low-margin, so unsure
        using var metrics = new AppMetrics();
        var function = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var good = await pipeline.UploadAsync("cam-m", "good.jpg", CameraImages.Synthetic(70));
        var bad = await pipeline.UploadAsync("cam-m", "bad.jpg", "not an image"u8.ToArray());

        await function.RunAsync(good, "cam-m", "good.jpg", CancellationToken.None);
        await function.RunAsync(good, "cam-m", "good.jpg", CancellationToken.None); // Event Grid delivers it again
        await function.RunAsync(bad, "cam-m", "bad.jpg", CancellationToken.None);

        metrics.Collect();
        Assert.Equal(1, metrics.Count(CameraMetrics.Uploads, ("outcome", "classified"), ("stale", false)));
        Assert.Equal(1, metrics.Count(CameraMetrics.Uploads, ("outcome", "duplicate")));
        Assert.Equal(1, metrics.Count(CameraMetrics.Uploads, ("outcome", "rejected")));
        Assert.Equal(3, metrics.Count(CameraMetrics.Uploads));
        // The classified upload's one result, once: the duplicate delivery and the rejection add none.
        var model = Assert.Single(pipeline.Options.ModelsFor("cam-m", "good.jpg"));
        Assert.Equal(1, metrics.Count(CameraMetrics.Results, ("model", model), ("confidence", "unsure")));
        Assert.Equal(1, metrics.Count(CameraMetrics.Results));
    }
}
