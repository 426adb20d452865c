using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

/// <summary>The traffic-scene model: tiled regions, two heads, an embedding and a vehicle estimate from one pass.</summary>
public sealed class TrafficSceneTests : IAsyncLifetime
{
    private InferenceEngine _engine = null!;

    public Task InitializeAsync()
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.Models, MaxBatchSize = 8 };
        _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static byte[] Sample(string relative) => File.ReadAllBytes(Path.Combine(TestPaths.Samples, relative));

    [Fact]
    public async Task One_request_answers_congestion_lighting_and_an_embedding()
    {
        var model = _engine.Repository.Get("traffic-scene");
        Assert.True(model.Regions.Count > 1, "traffic-scene reads several regions of the frame");
        var prediction = await _engine.PredictAsync(model, Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"), top: 3);
        Assert.Equal(["congestion", "lighting", "embedding", "vehicles"], prediction.Heads.Select(h => h.Name));
        Assert.Equal(["free", "moderate", "heavy"], prediction.Heads[0].Labels);
        Assert.Equal(["day", "twilight", "night"], prediction.Heads[1].Labels);
        Assert.Equal(1f, prediction.Heads[0].Scores.Sum(), 3);
        Assert.Equal(1f, prediction.Heads[1].Scores.Sum(), 3);
        Assert.Equal(1f, prediction.Embedding!.Sum(v => v * v), 3);
        Assert.Equal(prediction.Heads[0].Predictions, prediction.Predictions);
        // The sample frame is labelled day in labels.csv; version 1 says so, version 2 (the default) takes it for twilight.
        var v1 = await _engine.PredictAsync(_engine.Repository.Get("traffic-scene", "1"), Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"), top: 3);
        Assert.Equal("day", v1.Heads[1].Predictions[0].Label);
        Assert.Contains(prediction.Heads[1].Predictions, p => p.Label == "day");

        // The vehicle estimate: one occupancy value from 0 to 1, as computed (no softmax), with no labels and no top-k.
        var vehicles = prediction.Heads[3];
        Assert.Equal(OutputKind.Estimate, vehicles.Kind);
        Assert.Empty(vehicles.Labels);
        Assert.Empty(vehicles.Predictions);
        Assert.InRange(Assert.Single(vehicles.Scores), 0f, 1f);
    }

    [Fact]
    public async Task Explaining_skips_the_vehicle_estimate_but_returns_its_value()
    {
        var model = _engine.Repository.Get("traffic-scene");
        var explained = await _engine.ExplainAsync(model, Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"), grid: 4);
        var vehicles = explained.Prediction.Heads.Single(h => h.Name == "vehicles");
        Assert.Single(vehicles.Scores);
        Assert.DoesNotContain(explained.Maps, m => m.Head == "vehicles");
        Assert.Contains(explained.Maps, m => m.Head == "congestion");
    }

    [Fact]
    public async Task Batched_tiled_frames_equal_single_runs()
    {
        var model = _engine.Repository.Get("traffic-scene");
        var frames = Directory.GetFiles(Path.Combine(TestPaths.Samples, "traffic-cameras")).Order(StringComparer.Ordinal)
            .Select(f => (ReadOnlyMemory<byte>)File.ReadAllBytes(f)).ToList();
        var batch = await _engine.PredictBatchAsync(model, frames);
        for (var i = 0; i < frames.Count; i++)
        {
            var single = await _engine.PredictAsync(model, frames[i]);
            for (var h = 0; h < single.Heads.Count; h++)
            {
                Assert.Equal(single.Heads[h].Scores, batch[i].Heads[h].Scores, new InferenceEngineTests.Tolerance(1e-4f));
            }
        }
    }
}
