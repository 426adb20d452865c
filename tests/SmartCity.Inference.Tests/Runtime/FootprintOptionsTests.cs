using SkiaSharp;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Inference.Tests.Runtime;

public sealed class FootprintOptionsTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "smartcity-cache-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public void Defaults_are_the_measured_ones()
    {
        var options = new InferenceOptions();

        Assert.True(options.EnableCpuMemArena);
        Assert.True(options.EnableMemoryPattern);
        Assert.True(options.OptimizedModelCache);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "smartcity-onnx-cache"), options.ResolvedOptimizedModelCachePath);
        Assert.Equal(Environment.ProcessorCount, options.ResolvedIntraOpThreads);
    }

    [Fact]
    public void The_cache_can_be_moved_or_turned_off_and_threads_set()
    {
        Assert.Equal("/var/cache/x", new InferenceOptions { OptimizedModelCachePath = "/var/cache/x" }.ResolvedOptimizedModelCachePath);
        Assert.Null(new InferenceOptions { OptimizedModelCache = false, OptimizedModelCachePath = "/var/cache/x" }.ResolvedOptimizedModelCachePath);
        Assert.Equal(3, new InferenceOptions { IntraOpThreads = 3 }.ResolvedIntraOpThreads);
    }

    [Fact]
    public async Task The_optimised_model_is_cached_once_and_a_broken_cache_file_is_replaced()
    {
        var image = TestImages.Solid(SKColors.Red);
        var first = await PredictAsync(image);
        var files = Directory.GetFiles(_cache, "*", SearchOption.AllDirectories);
        var cached = Assert.Single(files);
        Assert.Matches(@"optimized-[0-9a-f]{16}\.onnx$", cached);

        var fromCache = await PredictAsync(image);
        Assert.Equal(first, fromCache);

        await File.WriteAllBytesAsync(cached, [1, 2, 3, 4]);
        var afterBreak = await PredictAsync(image);
        Assert.Equal(first, afterBreak);
        Assert.True(new FileInfo(Assert.Single(Directory.GetFiles(_cache, "*", SearchOption.AllDirectories))).Length > 4);
    }

    private async Task<float[]> PredictAsync(byte[] image)
    {
        var options = new InferenceOptions { ModelsPath = TestPaths.FixtureModels, OptimizedModelCachePath = _cache, EnableCpuMemArena = true, EnableMemoryPattern = true };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
        var prediction = await engine.PredictAsync("channel-logits", "2", image);
        return [.. prediction.Scores];
    }
}
