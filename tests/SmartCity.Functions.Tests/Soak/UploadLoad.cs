using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SkiaSharp;
using SmartCity.Cameras;
using SmartCity.Cameras.Tests;
using SmartCity.Cameras.Tests.Storage;
using SmartCity.Functions.Cameras;

namespace SmartCity.Functions.Tests.Soak;

/// <summary>
/// The camera half of the soak mix: uploads to Azurite, each delivered to
/// <see cref="ClassifyCameraImage.RunAsync"/> as Event Grid would: some twice at once (at least
/// once delivery), some overwritten by a second version while the first is delivered, some
/// unreadable or hostile (empty, text, truncated, a garbage EXIF segment, a capture time a year ahead).
/// </summary>
internal sealed class UploadLoad(CameraTestPipeline pipeline, ClassifyCameraImage function, string camera)
{
    private readonly List<(byte[] Content, bool FutureClock, string Status, string? Reason)> _versions = Versions();

    /// <summary>The uploads made (their last version), in no order.</summary>
    public ConcurrentQueue<SoakUpload> Uploads { get; } = new();

    /// <summary>Milliseconds of each delivery.</summary>
    public ConcurrentQueue<double> Deliveries { get; } = new();

    /// <summary>Uploads <paramref name="count"/> blobs with <paramref name="workers"/> at once, none started after <paramref name="deadline"/>.</summary>
    public async Task RunAsync(int count, int workers, DateTimeOffset deadline)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && DateTimeOffset.UtcNow < deadline)
            {
                await UploadAndDeliverAsync(i);
            }
        })));
    }

    private async Task UploadAndDeliverAsync(int i)
    {
        var name = $"frames/u{i:D4}.jpg";
        var blob = pipeline.Images.GetBlobClient($"{camera}/{name}");
        var version = _versions[i % _versions.Count];
        await UploadAsync(blob, version.Content, version.FutureClock);
        List<Task> deliveries = [DeliverAsync(blob, name)];
        if (i % 3 == 0)
        {
            deliveries.Add(DeliverAsync(blob, name)); // delivered twice at once
        }

        if (i % 4 == 0)
        {
            // The camera overwrites the blob while the first version is being delivered.
            version = _versions[(i + 1) % _versions.Count];
            await UploadAsync(blob, version.Content, version.FutureClock);
            deliveries.Add(DeliverAsync(blob, name));
        }

        await Task.WhenAll(deliveries);
        Uploads.Enqueue(new SoakUpload(name, version.Status, version.Reason));
    }

    private static async Task UploadAsync(BlobClient blob, byte[] content, bool futureClock)
    {
        var metadata = new Dictionary<string, string> { [CameraImageClassifier.MetadataCapturedAt] = (futureClock ? DateTimeOffset.UtcNow.AddYears(1) : DateTimeOffset.UtcNow).ToString("O") };
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions { Metadata = metadata });
    }

    private async Task DeliverAsync(BlobClient blob, string name)
    {
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        await function.RunAsync(blob, camera, name, CancellationToken.None);
        Deliveries.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static List<(byte[] Content, bool FutureClock, string Status, string? Reason)> Versions()
    {
        var crops = Directory.GetFiles(Path.Combine(TestPaths.Samples, "vehicles"), "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var frame = File.ReadAllBytes(Directory.GetFiles(Path.Combine(TestPaths.Samples, "traffic-cameras"), "*.jpg").Order(StringComparer.Ordinal).Last());
        var small = CameraImages.Synthetic(7, 80, 60);
        const string Classified = CameraImageClassifier.StatusClassified;
        const string Rejected = CameraImageClassifier.StatusRejected;
        return
        [
            (crops[0], false, Classified, null),
            (CameraImages.Synthetic(1), false, Classified, null),
            (frame, false, Classified, null),
            ([], false, Rejected, "empty-image"),
            (crops[1], false, Classified, null),
            ("this is not an image"u8.ToArray(), false, Rejected, "unsupported-format"),
            (small[..(small.Length / 3)], false, Rejected, "corrupt-image"),
            (CameraImages.WithExifSegment(crops[2], [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x13, 0x37]), false, Classified, null),
            (CameraImages.Synthetic(2), true, Classified, null),
            (CameraImages.Synthetic(3, format: SKEncodedImageFormat.Png), false, Classified, null),
        ];
    }
}
