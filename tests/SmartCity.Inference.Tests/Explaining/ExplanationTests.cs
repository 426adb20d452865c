using SkiaSharp;
using SmartCity.Inference.Explaining;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Inference.Tests.Runtime;

namespace SmartCity.Inference.Tests.Explaining;

/// <summary>Occlusion explanations of the bundled models on the committed samples.</summary>
public sealed class ExplanationTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = 16, ExplainGrid = 6 };
        _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static byte[] Sample(string relative) => File.ReadAllBytes(Path.Combine(TestPaths.Samples, relative));

    private static SKBitmap DecodePng(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG signature");
        return SKBitmap.Decode(png);
    }

    [Fact]
    public async Task A_vehicle_crop_explanation_has_a_grid_of_scores_and_a_small_square_png()
    {
        var model = _engine.Repository.Get("vehicle-type");
        var image = Sample("vehicles/truck106.jpg");
        var explanation = await _engine.ExplainAsync(model, image);
        var prediction = await _engine.PredictAsync(model, image);

        Assert.Equal(6, explanation.Rows);
        Assert.Equal(6, explanation.Columns);
        Assert.Equal(37, explanation.Items);
        Assert.Equal(37, explanation.BackbonePasses);
        Assert.Equal(Explanation.FillNormalisationMean, explanation.Fill);
        var map = Assert.Single(explanation.Maps);
        Assert.Equal(prediction.Predictions[0].Label, map.Label);
        Assert.Equal(prediction.Predictions[0].Probability, map.Probability, 3);
        Assert.Equal(prediction.Scores, explanation.Prediction.Scores, new InferenceEngineTests.Tolerance(1e-4f));
        Assert.Equal(36, map.Scores.Length);
        Assert.Contains(map.Scores, s => s != 0f);
        Assert.InRange(map.Png.Length, 100, 200_000);
        using var png = DecodePng(map.Png);
        Assert.Equal((map.PngWidth, map.PngHeight), (png.Width, png.Height));
        Assert.Equal((256, 256), (png.Width, png.Height)); // a 100x100 crop
    }

    [Fact]
    public async Task A_frame_explanation_has_a_map_per_classification_head_at_the_frames_aspect_ratio()
    {
        var model = _engine.Repository.Get("traffic-scene");
        var explanation = await _engine.ExplainAsync(model, Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"), grid: 4);

        Assert.Equal(["congestion", "lighting"], explanation.Maps.Select(m => m.Head));
        Assert.Equal(17, explanation.Items);
        Assert.Equal(17 * model.Regions.Count, explanation.BackbonePasses);
        Assert.Equal(["congestion", "lighting", "embedding", "vehicles"], explanation.Prediction.Heads.Select(h => h.Name));
        foreach (var map in explanation.Maps)
        {
            Assert.Equal(16, map.Scores.Length);
            using var png = DecodePng(map.Png);
            Assert.Equal(256, png.Width);
            Assert.Equal(144, png.Height); // 1920x1080 is 16:9
            Assert.InRange(map.Png.Length, 100, 200_000);
        }
    }

    [Fact]
    public async Task The_masked_copies_run_as_batches_of_the_maximum_batch_size()
    {
        // A long queue delay: the batcher waits for every announced copy, however loaded the machine.
        var options = new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = 16, MaxQueueDelayMs = 1000, ExplainGrid = 6 };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        var model = engine.Repository.Get("vehicle-type");
        await engine.ExplainAsync(model, Sample("vehicles/car106.jpg"));
        var counts = engine.BatchSizeCounts(model);
        // 37 items in batches of at most 16: 16, 16 and 5.
        Assert.True(counts[16] == 2 && counts[5] == 1 && counts.Sum() == 3, $"batch sizes run: {string.Join(",", counts)}");
    }

    [Fact]
    public async Task Masking_every_cell_fills_the_whole_tensor_with_the_normalisation_mean()
    {
        var model = _engine.Repository.Get("traffic-scene");
        var run = await _engine.RunMaskedAsync(model, Sample("traffic-cameras/camera_4703_2026-01-22_00-11-26.jpg"), 3, 3, [Enumerable.Repeat(true, 9).ToArray()]);
        var item = (float[])run.Tensor.Clone();
        run.Cells.Mask(item, Enumerable.Repeat(true, 9).ToArray());
        Assert.All(item, v => Assert.Equal(0f, v));
        Assert.Contains(run.Tensor, v => v != 0f);
    }

    [Fact]
    public async Task Masking_one_cell_of_a_tiled_frame_changes_only_the_tile_that_shows_it()
    {
        var model = _engine.Repository.Get("traffic-scene");
        var run = await _engine.RunMaskedAsync(model, Sample("traffic-cameras/camera_2702_2026-01-22_00-24-52.jpg"), 4, 4, [new bool[16]]);
        var item = (float[])run.Tensor.Clone();
        var mask = new bool[16];
        mask[0] = true; // top-left cell: only the top-left tile shows it
        run.Cells.Mask(item, mask);
        var tile = item.Length / model.Regions.Count;
        var changed = Enumerable.Range(0, item.Length).Where(i => item[i] != run.Tensor[i]).Select(i => i / tile).Distinct().ToList();
        Assert.Equal([0], changed);
    }
}
