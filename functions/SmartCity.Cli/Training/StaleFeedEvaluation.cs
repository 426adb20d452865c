using System.Globalization;
using SkiaSharp;
using SmartCity.Cameras;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>evaluate-stale</c>: measures the frozen-feed detector on real frames. Each camera's frames
/// are taken in time order; a frame is truly stale when its bytes equal the previous frame's.
/// Re-encoded copies of the frames stand in for a frozen camera that re-encodes its picture,
/// to measure the near-duplicate (embedding distance) path that a content hash cannot catch.
/// </summary>
internal static class StaleFeedEvaluation
{
    private const int ReencodeQuality = 60;

    public static async Task<int> RunAsync(StaleFeedSettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var frames = CameraFrame.InFolder(settings.Data);
        await using var engine = settings.Engine.CreateEngine();
        var model = engine.Repository.Get(settings.Model);

        var bytes = frames.Select(f => File.ReadAllBytes(f.File)).ToList();
        var hashes = bytes.Select(b => FrozenFeedDetector.Hash(b)).ToList();
        var embeddings = await WorkProgress.RunAsync(console, "Embedding frames", bytes.Count, done => EmbedAsync(engine, model, bytes, done, cancellationToken));
        var reencoded = await WorkProgress.RunAsync(console, "Embedding re-encodes", bytes.Count, done => EmbedAsync(engine, model, [.. bytes.Select(b => Reencode(b, ReencodeQuality))], done, cancellationToken));

        var truth = RepeatsOfPrevious(frames, hashes);
        var threshold = WriteDistances(console.Output, frames, hashes, truth, embeddings, reencoded, settings.Threshold);
        var detector = new FrozenFeedDetector(threshold);
        Score(console.Output, "As uploaded (hash and distance)", frames, truth, i => hashes[i], embeddings, detector);
        // A frozen camera that re-encodes: every repeat arrives as a re-encoded copy, so only the distance can catch it.
        Score(console.Output, "Repeats re-encoded (distance only)", frames, truth, i => truth[i] ? "reencoded-" + i : hashes[i], [.. embeddings.Select((e, i) => truth[i] ? reencoded[i] : e)], detector);
        return ExitCodes.Success;
    }

    /// <summary>Whether each frame's bytes equal those of its camera's previous frame.</summary>
    private static bool[] RepeatsOfPrevious(List<CameraFrame> frames, List<string> hashes) =>
        [.. frames.Select((f, i) => i > 0 && frames[i - 1].Camera == f.Camera && hashes[i] == hashes[i - 1])];

    /// <summary>
    /// Prints the distances between frames and their re-encodes and between consecutive different
    /// frames, and returns the threshold to score: the one given, or the geometric mean of the
    /// largest re-encode distance and the smallest distance between different frames.
    /// </summary>
    private static double WriteDistances(TextWriter output, List<CameraFrame> frames, List<string> hashes, bool[] truth, float[][] embeddings, float[][] reencoded, double? threshold)
    {
        var reencodeDistances = Enumerable.Range(0, frames.Count).Select(i => FrozenFeedDetector.CosineDistance(embeddings[i], reencoded[i])).Order().ToList();
        var consecutiveMoving = Enumerable.Range(1, Math.Max(frames.Count - 1, 0))
            .Where(i => frames[i - 1].Camera == frames[i].Camera && !truth[i])
            .Select(i => FrozenFeedDetector.CosineDistance(embeddings[i - 1], embeddings[i])).Order().ToList();
        var repeatsOfEarlier = frames.Select((f, i) => (f.Camera, hashes[i])).GroupBy(x => x).Sum(g => g.Count() - 1);
        var maxReencode = reencodeDistances[^1];
        var minMoving = consecutiveMoving[0];
        var chosen = threshold ?? Math.Sqrt(maxReencode * minMoving);

        output.WriteLine(Format($"{frames.Count} frames; {truth.Count(t => t)} repeat the previous frame of their camera byte for byte ({repeatsOfEarlier} repeat some earlier frame)."));
        output.WriteLine(Format($"Cosine distance, frame vs its JPEG re-encode (quality {ReencodeQuality}): max {maxReencode:0.00000}, median {reencodeDistances[reencodeDistances.Count / 2]:0.00000}"));
        output.WriteLine(Format($"Cosine distance, consecutive different frames of one camera: min {minMoving:0.00000}, 5th percentile {consecutiveMoving[consecutiveMoving.Count / 20]:0.00000}, median {consecutiveMoving[consecutiveMoving.Count / 2]:0.00000}"));
        output.WriteLine(Format($"Threshold: {chosen:0.00000}"));
        return chosen;
    }

    /// <summary>Runs the detector over every camera's frames in order and prints its precision and recall, and each wrong call.</summary>
    private static void Score(TextWriter output, string title, List<CameraFrame> frames, bool[] truth, Func<int, string> hash, float[][] embeddings, FrozenFeedDetector detector)
    {
        int truePositive = 0, falsePositive = 0, falseNegative = 0;
        FrameFingerprint? previous = null;
        for (var i = 0; i < frames.Count; i++)
        {
            if (i > 0 && frames[i - 1].Camera != frames[i].Camera)
            {
                previous = null;
            }

            var capturedAt = DateTimeOffset.UnixEpoch.AddMinutes(i);
            var decision = detector.Decide(previous, hash(i), embeddings[i], capturedAt);
            previous = new FrameFingerprint(hash(i), embeddings[i], capturedAt, decision.PictureFirstSeenAt);
            truePositive += decision.Stale && truth[i] ? 1 : 0;
            falsePositive += decision.Stale && !truth[i] ? 1 : 0;
            falseNegative += !decision.Stale && truth[i] ? 1 : 0;
            if (decision.Stale != truth[i])
            {
                output.WriteLine(Format($"  {(decision.Stale ? "false stale call" : "missed repeat")}: {frames[i].Name} (distance {decision.Distance:0.00000})"));
            }
        }

        var precision = truePositive / (double)Math.Max(truePositive + falsePositive, 1);
        var recall = truePositive / (double)Math.Max(truePositive + falseNegative, 1);
        output.WriteLine(Format($"{title}: precision {precision:P1}, recall {recall:P1} ({truePositive} caught, {falsePositive} false, {falseNegative} missed)"));
    }

    private static async Task<float[][]> EmbedAsync(InferenceEngine engine, ModelVersion model, List<byte[]> images, Action imageDone, CancellationToken cancellationToken)
    {
        var result = new float[images.Count][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), parallel, async (i, ct) =>
        {
            var prediction = await engine.PredictAsync(model, images[i], 1, 0f, ct);
            result[i] = prediction.Embedding ?? throw new UsageException($"Model '{model.Id}' gives no embedding.");
            imageDone();
        });
        return result;
    }

    private static byte[] Reencode(byte[] jpeg, int quality)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
