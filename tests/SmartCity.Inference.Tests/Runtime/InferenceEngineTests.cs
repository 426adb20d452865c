using SkiaSharp;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

public sealed class InferenceEngineTests : IAsyncLifetime
{
    private static readonly Lazy<byte[]> BigPng = new(() => TestImages.Encode(640, 480, (x, y) => new SKColor((byte)x, (byte)y, (byte)(x ^ y))));

    private InferenceEngine _fixtures = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, MaxBatchSize = 8 };
        _fixtures = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fixtures.DisposeAsync();

    private static float[] Softmax(params float[] values)
    {
        Postprocessing.Softmax(values);
        return values;
    }

    [Fact]
    public async Task Logits_are_turned_into_probabilities_with_labels()
    {
        var prediction = await _fixtures.PredictAsync("channel-logits", null, TestImages.Solid(SKColors.Red));
        var expected = Softmax(1, 0, 0);
        Assert.Equal("2", prediction.Model.Version);
        Assert.Equal("red", prediction.Predictions[0].Label);
        Assert.Equal(expected[0], prediction.Predictions[0].Probability, 5);
        Assert.Equal(expected, prediction.Scores, new Tolerance(1e-5f));
        Assert.Equal((4, 4), (prediction.Width, prediction.Height));
    }

    [Fact]
    public async Task Top_and_threshold_limit_the_answer()
    {
        var image = TestImages.Solid(new SKColor(255, 128, 0));
        var top1 = await _fixtures.PredictAsync("channel-logits", "1", image, top: 1);
        Assert.Equal(["red"], top1.Predictions.Select(p => p.Label));
        var confident = await _fixtures.PredictAsync("channel-logits", "1", image, top: 5, threshold: 0.3f);
        Assert.Equal(["red", "green"], confident.Predictions.Select(p => p.Label));
        Assert.All(confident.Predictions, p => Assert.True(p.Probability >= 0.3f));
    }

    [Fact]
    public async Task An_NHWC_model_with_probabilities_is_read_as_is()
    {
        // 8x4 image: blue in the centre 4x4, red at the sides; the centre crop sees only blue.
        var image = TestImages.Encode(8, 4, (x, _) => x is >= 2 and < 6 ? SKColors.Blue : SKColors.Red);
        var prediction = await _fixtures.PredictAsync("channel-probabilities-nhwc", null, image);
        Assert.Equal(Softmax(0, 0, 1), prediction.Scores, new Tolerance(1e-5f));
        Assert.Equal("blue", prediction.Predictions[0].Label);
    }

    [Fact]
    public async Task A_custom_vision_style_zipmap_model_gets_its_labels_from_the_map()
    {
        var prediction = await _fixtures.PredictAsync("custom-vision-bgr", null, TestImages.Solid(new SKColor(0, 255, 0), size: 8));
        Assert.Equal(["blue", "green", "red"], prediction.Labels);
        Assert.Equal(Softmax(0, 1, 0), prediction.Scores, new Tolerance(1e-5f));
        Assert.Equal("green", prediction.Predictions[0].Label);
    }

    [Fact]
    public async Task BGR_input_really_is_reversed()
    {
        // Red (255,0,0) in BGR order is [0, 0, 255]: the third label, "red".
        var prediction = await _fixtures.PredictAsync("custom-vision-bgr", null, TestImages.Solid(SKColors.Red, size: 8));
        Assert.Equal("red", prediction.Predictions[0].Label);
    }

    [Fact]
    public async Task Embeddings_are_L2_normalised()
    {
        var prediction = await _fixtures.PredictAsync("channel-embedding", null, TestImages.Solid(new SKColor(255, 255, 0)));
        Assert.Empty(prediction.Predictions);
        Assert.Equal([MathF.Sqrt(0.5f), MathF.Sqrt(0.5f), 0f], prediction.Embedding!, new Tolerance(1e-5f));
    }

    [Fact]
    public async Task A_batch_call_runs_as_one_batch_and_equals_single_runs()
    {
        var model = _fixtures.Repository.Get("channel-logits");
        var images = Enumerable.Range(0, 6).Select(i => (ReadOnlyMemory<byte>)TestImages.Solid(new SKColor((byte)(i * 40), 90, (byte)(250 - (i * 30))))).ToList();
        var batch = await _fixtures.PredictBatchAsync(model, images);
        Assert.Contains(batch, p => p.Timings.BatchSize > 1);
        for (var i = 0; i < images.Count; i++)
        {
            var single = await _fixtures.PredictAsync(model, images[i]);
            Assert.Equal(single.Scores, batch[i].Scores, new Tolerance(1e-6f));
        }
    }

    [Fact]
    public async Task A_batch_with_an_unreadable_image_names_the_first_one_by_its_index()
    {
        var model = _fixtures.Repository.Get("channel-logits");
        byte[] corrupt = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Repeat((byte)0x42, 64)];
        ReadOnlyMemory<byte>[] images = [TestImages.Solid(SKColors.Red), TestImages.Solid(SKColors.Green), corrupt, Array.Empty<byte>()];

        var error = await Assert.ThrowsAsync<ImageInBatchException>(() => _fixtures.PredictBatchAsync(model, images));

        Assert.Equal(2, error.Index);
        Assert.IsType<CorruptImageException>(error.Problem);
        Assert.Same(error.Problem, error.InnerException);
        Assert.Equal("corrupt-image", error.Code);
        Assert.StartsWith("Image 2: The image is corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_image_fails_with_the_image_problem_itself()
    {
        await Assert.ThrowsAsync<EmptyImageException>(() => _fixtures.PredictAsync("channel-logits", null, Array.Empty<byte>()));
    }

    [Fact]
    public async Task A_model_with_its_own_maxBatchSize_gets_batches_no_larger_than_it()
    {
        // channel-logits/2 under a manifest of its own that allows two per run, on a server that allows eight.
        var root = Path.Combine(Path.GetTempPath(), "smartcity-batching-" + Guid.NewGuid().ToString("N"));
        var source = Path.Combine(TestPaths.FixtureModels, "channel-logits", "2");
        var directory = Path.Combine(root, "pairs", "1");
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(directory, "model.onnx"));
            File.Copy(Path.Combine(source, "labels.txt"), Path.Combine(directory, "labels.txt"));
            var manifest = File.ReadAllText(Path.Combine(source, "model.json"));
            File.WriteAllText(Path.Combine(directory, "model.json"), manifest.Replace("{\n  \"task\"", "{\n  \"maxBatchSize\": 2,\n  \"maxQueueDelayMs\": 50,\n  \"task\"", StringComparison.Ordinal));
            var options = new InferenceOptions { ModelsPath = root, MaxBatchSize = 8, MaxQueueDelayMs = 4 };
            await using var engine = new InferenceEngine(new ModelRepository(root), options);
            var model = engine.Repository.Get("pairs");
            Assert.Equal(2, model.Manifest.MaxBatchSize);

            var images = Enumerable.Range(0, 7).Select(i => (ReadOnlyMemory<byte>)TestImages.Solid(new SKColor((byte)(i * 30), 90, 40))).ToList();
            var batch = await engine.PredictBatchAsync(model, images);

            Assert.All(batch, p => Assert.InRange(p.Timings.BatchSize, 1, 2));
            Assert.Contains(batch, p => p.Timings.BatchSize == 2);
            var counts = engine.BatchSizeCounts(model);
            Assert.Equal(3, counts.Count); // sizes 0, 1 and 2: nothing larger can be counted
            Assert.Equal(7, counts.Select((count, size) => count * size).Sum());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_preprocessed_tensor_can_be_sent_directly_and_its_shape_is_checked()
    {
        var model = _fixtures.Repository.Get("channel-logits");
        var data = new float[2 * 3 * 4 * 4];
        Array.Fill(data, 1f, 0, 16); // item 0: red plane = 1
        Array.Fill(data, 1f, 48 + 32, 16); // item 1: blue plane = 1
        var rows = await _fixtures.InferTensorAsync(model, data, [2, 3, 4, 4]);
        Assert.Equal(Softmax(1, 0, 0), rows[0], new Tolerance(1e-5f));
        Assert.Equal(Softmax(0, 0, 1), rows[1], new Tolerance(1e-5f));
        await Assert.ThrowsAsync<InvalidTensorException>(() => _fixtures.InferTensorAsync(model, data, [2, 3, 4, 5]));
        await Assert.ThrowsAsync<InvalidTensorException>(() => _fixtures.InferTensorAsync(model, data[..10], [2, 3, 4, 4]));
    }

    [Fact]
    public async Task A_tensor_shape_whose_element_count_overflows_is_refused()
    {
        var model = _fixtures.Repository.Get("channel-logits");
        // 1152921504606846977 * 48 wraps around to 48: the 48 values sent.
        await Assert.ThrowsAsync<InvalidTensorException>(() => _fixtures.InferTensorAsync(model, new float[48], [1152921504606846977, 3, 4, 4]));
        await Assert.ThrowsAsync<InvalidTensorException>(() => _fixtures.InferTensorAsync(model, new float[48], [(1L << 32) + 1, 3, 4, 4]));
    }

    [Fact]
    public async Task A_tensor_whose_output_is_not_finite_is_refused_naming_the_model()
    {
        var model = _fixtures.Repository.Get("channel-logits");
        var data = new float[48];
        Array.Fill(data, 3e38f);
        var error = await Assert.ThrowsAsync<NonFiniteOutputException>(() => _fixtures.InferTensorAsync(model, data, [1, 3, 4, 4]));
        Assert.Contains("channel-logits", error.Message, StringComparison.Ordinal);

        var nonFinite = data.ToArray();
        nonFinite[5] = float.PositiveInfinity;
        await Assert.ThrowsAsync<InvalidTensorException>(() => _fixtures.InferTensorAsync(model, nonFinite, [1, 3, 4, 4]));
    }

    [Fact]
    public async Task A_corrupt_model_file_fails_to_load_naming_the_file()
    {
        var root = Path.Combine(Path.GetTempPath(), "smartcity-corrupt-" + Guid.NewGuid().ToString("N"));
        var directory = Path.Combine(root, "bad", "1");
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(TestPaths.FixtureModels, "channel-embedding", "1", "model.json"), Path.Combine(directory, "model.json"));
            File.WriteAllText(Path.Combine(directory, "model.onnx"), "not an onnx file");
            var options = new InferenceOptions { ModelsPath = root };
            await using var engine = new InferenceEngine(new ModelRepository(root), options);
            var error = await Assert.ThrowsAsync<ModelLoadException>(() => engine.PredictAsync("bad", null, TestImages.Solid(SKColors.Red)));
            Assert.Contains(Path.Combine(directory, "model.onnx"), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Warm_up_makes_the_engine_ready()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, WarmUpModels = "channel-logits, custom-vision-bgr" };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        Assert.NotNull(engine.NotReadyReason);
        await engine.StartWarmUp();
        Assert.Null(engine.NotReadyReason);
        Assert.True(engine.IsLoaded(engine.Repository.Get("custom-vision-bgr")));
    }

    [Fact]
    public async Task A_batch_cancelled_before_it_starts_withdraws_every_announced_image_so_a_lone_request_is_not_delayed()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, MaxBatchSize = 8, MaxQueueDelayMs = 1000 };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        var model = engine.Repository.Get("channel-logits");
        var images = Enumerable.Range(0, 6).Select(i => (ReadOnlyMemory<byte>)TestImages.Solid(new SKColor((byte)(i * 40), 90, 10))).ToList();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.PredictBatchAsync(model, images, cancellationToken: cancelled.Token));

        Assert.Equal(0, engine.QueueState(model).Expected);
        var delayed = engine.QueueState(model).DelayedBatches;
        var lone = await engine.PredictAsync(model, images[0]);
        Assert.Equal(1, lone.Timings.BatchSize);
        Assert.Equal(delayed, engine.QueueState(model).DelayedBatches);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task A_batch_cancelled_while_it_runs_leaves_no_announced_image_behind(int cancelAfterMs)
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, MaxBatchSize = 4, MaxQueueDelayMs = 1000 };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        var model = engine.Repository.Get("channel-logits");
        // Large enough that decoding takes a while, so the cancellation lands mid-batch.
        var images = Enumerable.Range(0, 16).Select(_ => (ReadOnlyMemory<byte>)BigPng.Value).ToList();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(cancelAfterMs));

        try
        {
            await engine.PredictBatchAsync(model, images, cancellationToken: cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected for most timings; what matters is the state it leaves.
        }

        Assert.Equal(0, engine.QueueState(model).Expected);
        var delayed = engine.QueueState(model).DelayedBatches;
        await engine.PredictAsync(model, TestImages.Solid(SKColors.Red));
        Assert.Equal(delayed, engine.QueueState(model).DelayedBatches);
    }

    internal sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
