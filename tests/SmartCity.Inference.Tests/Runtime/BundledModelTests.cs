using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

/// <summary>The real models: ResNet-18 served with a dynamic batch, and the vehicle-type head on it.</summary>
public sealed class BundledModelTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = 8, MaxQueueDelayMs = 50 };
        _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static List<ReadOnlyMemory<byte>> Samples() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.Samples, "vehicles")).Order(StringComparer.Ordinal).Select(f => (ReadOnlyMemory<byte>)File.ReadAllBytes(f))];

    [Fact]
    public async Task ResNet18_batched_outputs_equal_single_runs()
    {
        var model = _engine.Repository.Get("resnet18-embedding");
        var images = Samples();
        var batch = await _engine.PredictBatchAsync(model, images);
        Assert.Contains(batch, p => p.Timings.BatchSize > 1);
        for (var i = 0; i < images.Count; i++)
        {
            var single = await _engine.PredictAsync(model, images[i]);
            Assert.Equal(1, single.Timings.BatchSize);
            Assert.Equal(512, single.Scores.Length);
            Assert.Equal(single.Scores, batch[i].Scores, new InferenceEngineTests.Tolerance(1e-4f));
        }
    }

    [Fact]
    public async Task Vehicle_type_batched_probabilities_equal_single_runs()
    {
        var model = _engine.Repository.Get("vehicle-type");
        var images = Samples();
        var batch = await _engine.PredictBatchAsync(model, images);
        for (var i = 0; i < images.Count; i++)
        {
            var single = await _engine.PredictAsync(model, images[i]);
            Assert.Equal(single.Scores, batch[i].Scores, new InferenceEngineTests.Tolerance(1e-4f));
            Assert.Equal(1f, single.Scores.Sum(), 3);
        }
    }

    [Fact]
    public async Task Vehicle_type_labels_the_sample_crops()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Samples, "vehicles")).Order(StringComparer.Ordinal).ToList();
        var correct = 0;
        foreach (var file in files)
        {
            var prediction = await _engine.PredictAsync("vehicle-type", null, File.ReadAllBytes(file), top: 1);
            correct += Path.GetFileName(file).StartsWith(prediction.Predictions[0].Label, StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.True(correct >= files.Count - 1, $"{correct} of {files.Count} sample crops labelled right");
    }

    [SkippableFact]
    public async Task Vehicle_type_labels_most_shared_truck_crops_truck()
    {
        Skip.If(TestPaths.SharedData is null, "../shared/data is not present in this clone");
        var files = Directory.GetFiles(Path.Combine(TestPaths.SharedData!, "vehicles", "truck")).Order(StringComparer.Ordinal).Take(60).ToList();
        var model = _engine.Repository.Get("vehicle-type");
        var predictions = await _engine.PredictBatchAsync(model, [.. files.Select(f => (ReadOnlyMemory<byte>)File.ReadAllBytes(f))], top: 1);
        var trucks = predictions.Count(p => p.Predictions[0].Label == "truck");
        Assert.True(trucks >= 45, $"{trucks} of {files.Count} truck crops labelled truck");
    }

    [Fact]
    public async Task The_quantized_backbone_embeds_the_samples_as_the_float_one_does()
    {
        var float32 = _engine.Repository.Get("resnet18-embedding", "1");
        var int8 = _engine.Repository.Get("resnet18-embedding", "2");
        var samples = Directory.GetFiles(TestPaths.Samples, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(samples);
        foreach (var file in samples)
        {
            var bytes = File.ReadAllBytes(file);
            var a = (await _engine.PredictAsync(float32, bytes)).Scores;
            var b = (await _engine.PredictAsync(int8, bytes)).Scores;
            var cosine = a.Zip(b, (x, y) => (double)x * y).Sum();
            Assert.True(cosine > 0.98, $"{Path.GetFileName(file)}: cosine similarity {cosine:0.0000} of the 8-bit embedding to the float one");
        }
    }

    [Fact]
    public async Task A_camera_frame_gets_an_embedding_through_scaled_decode()
    {
        var frame = File.ReadAllBytes(Path.Combine(TestPaths.Samples, "traffic-cameras", "camera_2701_2026-01-22_00-24-52.jpg"));
        var prediction = await _engine.PredictAsync("resnet18-embedding", null, frame);
        Assert.Equal((1920, 1080), (prediction.Width, prediction.Height));
        Assert.Equal(1f, prediction.Scores.Sum(v => v * v), 3);
    }
}
