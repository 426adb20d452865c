using System.Diagnostics;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Inference;
using Xunit.Abstractions;

namespace SmartCity.Cameras.Tests;

/// <summary>
/// Figures, not assertions (MEASURE=1 to run): images/s over ../shared/data/traffic-cameras
/// with 16 concurrent callers, end to end through the function against Azurite, through the
/// engine alone, as batched tensors, and per MaxBatchSize.
/// </summary>
[Collection(AzuriteDefinition.Name)]
[Trait("Category", "Measure")]
public class CameraThroughputMeasurements(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Concurrency = 16;

    private static List<byte[]> Frames()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("MEASURE") == "1", "Set MEASURE=1 to measure throughput.");
        var files = CameraImages.Shared("traffic-cameras", int.MaxValue).ToList();
        Skip.If(files.Count == 0, "../shared/data/traffic-cameras is absent.");
        return [.. files.Select(File.ReadAllBytes)];
    }

    [SkippableFact]
    public async Task Images_per_second_end_to_end_engine_and_batcher()
    {
        var frames = Frames();
        await using var pipeline = azurite.CreatePipeline();
        var blobs = new List<Azure.Storage.Blobs.BlobClient>();
        for (var i = 0; i < frames.Count; i++)
        {
            blobs.Add(await pipeline.UploadAsync("cam-m", $"f{i:D3}.jpg", frames[i]));
        }

        var model = azurite.Engine.Repository.Get("vehicle-type");
        await azurite.Engine.WarmUpAsync(model);
        await pipeline.RunAsync(await pipeline.UploadAsync("cam-w", "warm.jpg", frames[0]));

        var endToEnd = await MeasureAsync(frames.Count, i => pipeline.RunAsync(blobs[i]));
        Assert.Equal(frames.Count, (await pipeline.RowsAsync("cam-m")).Count);
        output.WriteLine($"end to end (function, Azurite, {Concurrency} concurrent): {endToEnd:F1} images/s over {frames.Count} frames");

        var engineOnly = await MeasureAsync(frames.Count, i => azurite.Engine.PredictAsync(model, frames[i]));
        output.WriteLine($"engine.PredictAsync ({Concurrency} concurrent): {engineOnly:F1} images/s");

        // Pre-decoded tensors, batches of 16 through InferTensorAsync (the closest public path to a raw batched Run).
        var tensors = new float[frames.Count][];
        var pipelineFormat = new SmartCity.Inference.Imaging.TensorFormat(model.ImageInput);
        for (var i = 0; i < frames.Count; i++)
        {
            tensors[i] = new float[pipelineFormat.Length];
            azurite.Engine.Preprocessor.Preprocess(frames[i], pipelineFormat, tensors[i]);
        }

        var shape = pipelineFormat.Shape(Concurrency);
        var started = Stopwatch.GetTimestamp();
        for (var offset = 0; offset < frames.Count; offset += Concurrency)
        {
            var count = Math.Min(Concurrency, frames.Count - offset);
            var batch = new float[count * pipelineFormat.Length];
            for (var j = 0; j < count; j++)
            {
                tensors[offset + j].CopyTo(batch, j * pipelineFormat.Length);
            }

            shape[0] = count;
            await azurite.Engine.InferTensorAsync(model, batch, shape);
        }

        var tensorRate = frames.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine($"InferTensorAsync, pre-decoded batches of {Concurrency}: {tensorRate:F1} images/s (input {string.Join('x', pipelineFormat.Shape(1))})");

        foreach (var maxBatch in new[] { 1, 4, 8, 16 })
        {
            await using var engine = AzuriteFixture.CreateEngine(new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = maxBatch });
            var version = engine.Repository.Get("vehicle-type");
            await engine.WarmUpAsync(version);
            var rate = await MeasureAsync(frames.Count, i => engine.PredictAsync(version, frames[i]));
            var sizes = engine.BatchSizeCounts(version);
            var batches = sizes.Sum();
            var mean = batches == 0 ? 0 : sizes.Select((n, size) => n * size).Sum() / (double)batches;
            output.WriteLine($"MaxBatchSize {maxBatch,2}: {rate:F1} images/s, mean batch {mean:F1}");
        }
    }

    /// <summary>Runs <paramref name="count"/> calls with <see cref="Concurrency"/> in flight; returns calls per second.</summary>
    private static async Task<double> MeasureAsync(int count, Func<int, Task> call)
    {
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await call(i);
            }
        })));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
