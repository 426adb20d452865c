using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras.Tests;

/// <summary>Frozen-feed detection on real frames and their traffic-scene embeddings.</summary>
public sealed class FrozenFeedDetectorTests : IAsyncLifetime
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
