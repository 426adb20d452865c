using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;
using SmartCity.Functions.Http;
using Xunit.Abstractions;

namespace SmartCity.Functions.Tests.Soak;

/// <summary>
/// Load and soak on loopback, through the function classes: HTTP predictions (single images,
/// multi-image forms and JSON, corrupt images) and camera uploads (Azurite, redeliveries,
/// overwrites, unreadable and hostile files) at once, on one engine, as one instance serves them.
/// Bounded in count (<see cref="ScaleVariable"/> multiplies the rounds) and in time (no new work
/// after <see cref="Budget"/>); nothing here is a timing:
/// it asserts that every request got its answer, every upload exactly one result or rejection of
/// its current version, and that managed memory did not grow over the rounds (the benchmark
/// scenario <c>soak</c> runs the same mix longer and reports its rates).
/// </summary>
[Collection(SoakDefinition.Name)]
public sealed class LoadAndSoakTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>The environment variable that multiplies the rounds and the time budget (1 when unset).</summary>
    public const string ScaleVariable = "SOAK_SCALE";

    private const int Rounds = 3;
    private const int Requests = 24;
    private const int Uploads = 20;

    /// <summary>
    /// Managed heap growth allowed from after the warm-up round to after the last round, both after
    /// a full blocking compacting collection. Generous: one round moves several MB of request and
    /// image bytes and allocates tensors of 600 KB per image, so keeping a round's requests, images
    /// or tensors would exceed it, while pools and caches that settle in the warm-up do not.
    /// </summary>
    private const long AllowedGrowthBytes = 16L * 1024 * 1024;

    /// <summary>No new request or upload is started this long (times the scale) after the warm-up; what was made is all checked.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    /// <summary><c>SOAK_SCALE</c> as a whole number from 1 to 1000; anything else is 1.</summary>
    public static int Scale => int.TryParse(Environment.GetEnvironmentVariable(ScaleVariable), out var scale) && scale is >= 1 and <= 1000 ? scale : 1;

    [SkippableFact]
    public async Task A_mixed_load_loses_nothing_and_leaves_managed_memory_where_it_was()
    {
        await using var pipeline = azurite.CreatePipeline();
        var predict = new PredictFunctions(new PredictHandler(azurite.Engine, TestSupport.HttpOptions()));
        var classify = new ClassifyCameraImage(pipeline.Classifier, Options.Create(pipeline.Options), NullLogger<ClassifyCameraImage>.Instance);
        var templates = await PredictionLoad.TemplatesAsync();
        var scale = Scale;

        await RoundAsync(pipeline, predict, classify, templates, "cam-warm", DateTimeOffset.UtcNow + Budget); // JIT, sessions, pools, connections
        var before = ManagedBytesAfterFullCollection();
        var deadline = DateTimeOffset.UtcNow + (Budget * scale);
        var rounds = 0;
        for (; rounds < Rounds * scale && DateTimeOffset.UtcNow < deadline; rounds++)
        {
            await RoundAsync(pipeline, predict, classify, templates, $"cam-soak-{rounds}", deadline);
        }

        var after = ManagedBytesAfterFullCollection();
        output.WriteLine($"scale {scale}: {rounds} round(s); managed heap after warm-up {before / 1048576.0:F1} MB, after the rounds {after / 1048576.0:F1} MB");
        Assert.True(rounds > 0, "No round ran before the time budget was spent.");
        Assert.True(after - before < AllowedGrowthBytes, $"Managed memory grew by {(after - before) / 1048576.0:F1} MB over the rounds (allowed {AllowedGrowthBytes / 1048576} MB).");
    }

    /// <summary>One round of the mix, HTTP and uploads at once, then everything checked.</summary>
    private async Task RoundAsync(CameraTestPipeline pipeline, PredictFunctions predict, ClassifyCameraImage classify, IReadOnlyList<SoakRequest> templates, string camera, DateTimeOffset deadline)
    {
        var http = new PredictionLoad(predict, templates);
        var uploads = new UploadLoad(pipeline, classify, camera);
        await Task.WhenAll(http.RunAsync(Requests, callers: 4, deadline), uploads.RunAsync(Uploads, workers: 4, deadline));

        Assert.NotEmpty(http.Answers);
        Assert.Equal(http.Answers.Count, http.Answers.Select(a => a.Index).Distinct().Count());
        Assert.DoesNotContain(http.Answers, a => a.Status >= 500);
        Assert.All(http.Answers, a => Assert.True(a.AsExpected, a.Detail));
        Assert.NotEmpty(uploads.Uploads);
        await SoakLedger.AssertExactlyOnceAsync(pipeline, camera, [.. uploads.Uploads]);
        output.WriteLine($"{camera}: {http.Answers.Count} requests, {uploads.Uploads.Count} uploads ({uploads.Deliveries.Count} deliveries), all as expected");
    }

    private static long ManagedBytesAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
