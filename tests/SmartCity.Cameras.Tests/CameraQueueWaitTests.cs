using SmartCity.Cameras.Tests.Storage;
using SmartCity.Inference;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras.Tests;

/// <summary>
/// Under mixed load HTTP callers can fill a model's queue. A camera frame then waits for a place
/// (within Inference:MaxQueueWaitMs) instead of failing at once, which the host would retry within
/// half a second until the frame lands in the poison queue; HTTP callers keep their immediate 503.
/// The engine's batches are held (as a long run would hold them) so the queue stays full.
/// </summary>
[Collection(AzuriteDefinition.Name)]
public class CameraQueueWaitTests(AzuriteFixture azurite)
{
    private static InferenceEngine OneSeatEngine(int maxQueueWaitMs) => AzuriteFixture.CreateEngine(new InferenceOptions
    {
        ModelsPath = TestPaths.Models,
        MaxBatchSize = 1,
        MaxQueueLength = 1,
        MaxQueueDelayMs = 0,
        MaxQueueWaitMs = maxQueueWaitMs,
    });

    [SkippableFact]
    public async Task A_frame_waits_for_a_place_in_a_full_queue_and_is_classified_when_it_frees_up()
    {
        await using var engine = OneSeatEngine(maxQueueWaitMs: 120_000);
        await using var pipeline = azurite.CreatePipeline(engine: engine);
        var model = engine.Repository.Get("vehicle-type");
        await engine.WarmUpAsync(model);
        var blob = await pipeline.UploadAsync("cam-q", "frame-1.jpg", CameraImages.Synthetic(1));
        var httpImage = CameraImages.Synthetic(2);

        Task<Prediction> http;
        Task frame;
        using (engine.PauseBatches(model))
        {
            http = engine.PredictAsync(model, httpImage); // takes the one place
            await Assert.ThrowsAsync<InferenceQueueFullException>(() => engine.PredictAsync(model, httpImage));

            frame = pipeline.RunAsync(blob);
            await WaitUntilAsync(() => engine.QueueState(model).WaitingForCapacity == 1 || frame.IsCompleted);
            Assert.False(frame.IsCompleted, $"The frame did not wait for a place: {frame.Exception?.GetBaseException().Message}");
            Assert.Empty(await pipeline.RowsAsync("cam-q"));

            // While the frame waits, an HTTP caller is still refused at once: the next place is the frame's.
            await Assert.ThrowsAsync<InferenceQueueFullException>(() => engine.PredictAsync(model, httpImage));
        }

        await http;
        await frame;
        var row = Assert.Single(await pipeline.RowsAsync("cam-q"));
        Assert.Equal(CameraImageClassifier.StatusClassified, row.GetString("Status"));
        Assert.Equal(new BatcherState(0, 0, 0, 0), engine.QueueState(model));
    }

    [SkippableFact]
    public async Task A_frame_that_gets_no_place_within_the_limit_fails_for_the_host_to_retry_and_writes_nothing()
    {
        await using var engine = OneSeatEngine(maxQueueWaitMs: 200);
        await using var pipeline = azurite.CreatePipeline(engine: engine);
        var model = engine.Repository.Get("vehicle-type");
        await engine.WarmUpAsync(model);
        var blob = await pipeline.UploadAsync("cam-q", "frame-2.jpg", CameraImages.Synthetic(3));

        Task<Prediction> http;
        using (engine.PauseBatches(model))
        {
            http = engine.PredictAsync(model, CameraImages.Synthetic(4));
            await Assert.ThrowsAsync<InferenceQueueFullException>(() => pipeline.RunAsync(blob));
        }

        await http;
        Assert.Empty(await pipeline.RowsAsync("cam-q"));
    }

    /// <summary>Polls a condition (not a timing assertion: the limit only stops a broken test from hanging).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            await Task.Delay(10, limit.Token);
        }
    }
}
