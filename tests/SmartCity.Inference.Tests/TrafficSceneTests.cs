using SmartCity.Inference.Cameras;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests;

/// <summary>The traffic-scene model (tiled regions, two heads and an embedding from one pass) and frozen-feed detection.</summary>
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

    private Task<float[]> EmbedAsync(byte[] image) =>
        _engine.PredictAsync("traffic-scene", null, image).ContinueWith(t => t.Result.Embedding!, TaskScheduler.Default);

    [Fact]
    public async Task One_request_answers_congestion_lighting_and_an_embedding()
    {
        var model = _engine.Repository.Get("traffic-scene");
        Assert.True(model.Regions.Count > 1, "traffic-scene reads several regions of the frame");
        var prediction = await _engine.PredictAsync(model, Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg"), top: 3);
        Assert.Equal(["congestion", "lighting", "embedding"], prediction.Heads.Select(h => h.Name));
        Assert.Equal(["free", "moderate", "heavy"], prediction.Heads[0].Labels);
        Assert.Equal(["day", "twilight", "night"], prediction.Heads[1].Labels);
        Assert.Equal(1f, prediction.Heads[0].Scores.Sum(), 3);
        Assert.Equal(1f, prediction.Heads[1].Scores.Sum(), 3);
        Assert.Equal(1f, prediction.Embedding!.Sum(v => v * v), 3);
        Assert.Equal(prediction.Heads[0].Predictions, prediction.Predictions);
        // The sample frames are labelled day in labels.csv.
        Assert.Equal("day", prediction.Heads[1].Predictions[0].Label);
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

    [Fact]
    public async Task A_reencoded_frozen_picture_is_stale_and_moving_traffic_is_not()
    {
        var detector = new FrozenFeedDetector(FrozenFeedDetector.DefaultDistanceThreshold);
        var frozen = Sample("traffic-cameras/camera_2701_2026-01-22_00-24-52.jpg");
        var reencoded = Sample("synthetic/frozen-2701-q80.jpg");
        var moving = Sample("synthetic/moving-2701.jpg");
        var t0 = new DateTimeOffset(2026, 1, 22, 8, 0, 0, TimeSpan.Zero);
        var first = new FrameFingerprint(FrozenFeedDetector.Hash(frozen), await EmbedAsync(frozen), t0, t0);

        var again = detector.Decide(first, FrozenFeedDetector.Hash(frozen), first.Embedding, t0.AddMinutes(1));
        Assert.Equal((true, "identical-bytes", t0), (again.Stale, again.Reason, again.PictureFirstSeenAt));

        var near = detector.Decide(first, FrozenFeedDetector.Hash(reencoded), await EmbedAsync(reencoded), t0.AddMinutes(2));
        Assert.True(near.Stale, $"re-encoded copy at distance {near.Distance}");
        Assert.Equal(("near-identical", t0), (near.Reason, near.PictureFirstSeenAt));

        var moved = detector.Decide(first, FrozenFeedDetector.Hash(moving), await EmbedAsync(moving), t0.AddMinutes(3));
        Assert.False(moved.Stale, $"moving traffic at distance {moved.Distance}");
        Assert.Equal(t0.AddMinutes(3), moved.PictureFirstSeenAt);
    }

    [Fact]
    public void The_first_frame_and_late_frames_are_never_stale()
    {
        var detector = new FrozenFeedDetector(FrozenFeedDetector.DefaultDistanceThreshold);
        var t0 = DateTimeOffset.UnixEpoch;
        Assert.False(detector.Decide(null, "abc", null, t0).Stale);
        var previous = new FrameFingerprint("abc", null, t0.AddMinutes(5), t0.AddMinutes(5));
        Assert.False(detector.Decide(previous, "abc", null, t0).Stale);
    }

    [SkippableFact]
    public async Task Every_repeat_in_the_shared_frames_is_stale_and_no_moving_frame_is()
    {
        Skip.If(TestPaths.SharedData is null, "../shared/data is not present in this clone");
        var detector = new FrozenFeedDetector(FrozenFeedDetector.DefaultDistanceThreshold);
        var files = Directory.GetFiles(Path.Combine(TestPaths.SharedData!, "traffic-cameras"), "camera_*.jpg")
            .OrderBy(f => Path.GetFileName(f).Split('_')[1], StringComparer.Ordinal).ThenBy(f => f, StringComparer.Ordinal).ToList();
        int caught = 0, missed = 0, falseCalls = 0;
        FrameFingerprint? previous = null;
        string? previousCamera = null;
        for (var i = 0; i < files.Count; i++)
        {
            var camera = Path.GetFileName(files[i]).Split('_')[1];
            if (camera != previousCamera)
            {
                previous = null;
                previousCamera = camera;
            }

            var bytes = File.ReadAllBytes(files[i]);
            var hash = FrozenFeedDetector.Hash(bytes);
            var capturedAt = DateTimeOffset.UnixEpoch.AddMinutes(i);
            var embedding = await EmbedAsync(bytes);
            var decision = detector.Decide(previous, hash, embedding, capturedAt);
            var repeat = previous is not null && previous.ContentHash == hash;
            caught += repeat && decision.Stale ? 1 : 0;
            missed += repeat && !decision.Stale ? 1 : 0;
            falseCalls += !repeat && decision.Stale ? 1 : 0;
            previous = new FrameFingerprint(hash, embedding, capturedAt, decision.PictureFirstSeenAt);
        }

        // The shared set holds 16 frames that repeat the previous frame of their camera byte for byte.
        Assert.Equal(16, caught);
        Assert.Equal(0, missed);
        Assert.Equal(0, falseCalls);
    }
}
