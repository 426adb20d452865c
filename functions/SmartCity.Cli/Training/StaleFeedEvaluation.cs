using System.Globalization;
using SkiaSharp;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cli.Training;

/// <summary>
/// <c>evaluate-stale</c>: measures the frozen-feed detector on real frames. Each camera's frames
/// are taken in time order; a frame is truly stale when its bytes equal the previous frame's.
/// Re-encoded copies of the frames stand in for a frozen camera that re-encodes its picture,
/// to measure the near-duplicate (embedding distance) path that a content hash cannot catch.
/// </summary>
internal static class StaleFeedEvaluation
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var data = arguments.Get("data", Path.Combine("..", "shared", "data", "traffic-cameras"));
        var modelName = arguments.Get("model", "traffic-scene");
        var files = Directory.GetFiles(data, "camera_*.jpg")
            .Select(f => (File: f, Camera: Path.GetFileName(f).Split('_')[1], Name: Path.GetFileName(f)))
            .OrderBy(f => f.Camera, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        await using var engine = EngineFactory.Create(arguments);
        var model = engine.Repository.Get(modelName);

        var bytes = files.Select(f => File.ReadAllBytes(f.File)).ToList();
        var hashes = bytes.Select(b => FrozenFeedDetector.Hash(b)).ToList();
        var embeddings = await EmbedAsync(engine, model, bytes);
        var reencoded = await EmbedAsync(engine, model, [.. bytes.Select(b => Reencode(b, 60))]);

        var truth = new bool[files.Count];
        var consecutiveMoving = new List<double>();
        var reencodeDistances = new List<double>();
        for (var i = 0; i < files.Count; i++)
        {
            reencodeDistances.Add(FrozenFeedDetector.CosineDistance(embeddings[i], reencoded[i]));
            if (i == 0 || files[i - 1].Camera != files[i].Camera)
            {
                continue;
            }

            truth[i] = hashes[i] == hashes[i - 1];
            if (!truth[i])
            {
                consecutiveMoving.Add(FrozenFeedDetector.CosineDistance(embeddings[i - 1], embeddings[i]));
            }
        }

        var repeatsOfEarlier = files.Select((f, i) => (f.Camera, hashes[i])).GroupBy(x => x).Sum(g => g.Count() - 1);
        consecutiveMoving.Sort();
        reencodeDistances.Sort();
        var maxReencode = reencodeDistances[^1];
        var minMoving = consecutiveMoving[0];
        var threshold = double.Parse(arguments.Get("threshold", Math.Sqrt(maxReencode * minMoving).ToString("R", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{files.Count} frames; {truth.Count(t => t)} repeat the previous frame of their camera byte for byte ({repeatsOfEarlier} repeat some earlier frame)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cosine distance, frame vs its JPEG re-encode (quality 60): max {maxReencode:0.00000}, median {reencodeDistances[reencodeDistances.Count / 2]:0.00000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Cosine distance, consecutive different frames of one camera: min {minMoving:0.00000}, 5th percentile {consecutiveMoving[consecutiveMoving.Count / 20]:0.00000}, median {consecutiveMoving[consecutiveMoving.Count / 2]:0.00000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Threshold: {threshold:0.00000}"));

        var detector = new FrozenFeedDetector(threshold);
        Score("As uploaded (hash and distance)", files, truth, i => hashes[i], embeddings, detector);
        // A frozen camera that re-encodes: every repeat arrives as a re-encoded copy, so only the distance can catch it.
        Score("Repeats re-encoded (distance only)", files, truth, i => truth[i] ? "reencoded-" + i : hashes[i], [.. embeddings.Select((e, i) => truth[i] ? reencoded[i] : e)], detector);
        return 0;
    }

    private static void Score(string title, List<(string File, string Camera, string Name)> files, bool[] truth, Func<int, string> hash, float[][] embeddings, FrozenFeedDetector detector)
    {
        int truePositive = 0, falsePositive = 0, falseNegative = 0;
        FrameFingerprint? previous = null;
        for (var i = 0; i < files.Count; i++)
        {
            if (i > 0 && files[i - 1].Camera != files[i].Camera)
            {
                previous = null;
            }

            var capturedAt = DateTimeOffset.UnixEpoch.AddMinutes(i);
            var decision = detector.Decide(previous, hash(i), embeddings[i], capturedAt);
            previous = new FrameFingerprint(hash(i), embeddings[i], capturedAt, decision.PictureFirstSeenAt);
            if (decision.Stale && truth[i])
            {
                truePositive++;
            }
            else if (decision.Stale)
            {
                falsePositive++;
                Console.WriteLine($"  false stale call: {files[i].Name} (distance {decision.Distance:0.00000})");
            }
            else if (truth[i])
            {
                falseNegative++;
                Console.WriteLine($"  missed repeat: {files[i].Name} (distance {decision.Distance:0.00000})");
            }
        }

        var precision = truePositive / (double)Math.Max(truePositive + falsePositive, 1);
        var recall = truePositive / (double)Math.Max(truePositive + falseNegative, 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: precision {precision:P1}, recall {recall:P1} ({truePositive} caught, {falsePositive} false, {falseNegative} missed)"));
    }

    private static async Task<float[][]> EmbedAsync(SmartCity.Inference.Runtime.InferenceEngine engine, SmartCity.Inference.Models.ModelVersion model, List<byte[]> images)
    {
        var result = new float[images.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, images.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var prediction = await engine.PredictAsync(model, images[i], 1, 0f, ct);
            result[i] = prediction.Embedding ?? throw new ArgumentException($"Model '{model.Id}' gives no embedding.");
        });
        return result;
    }

    private static byte[] Reencode(byte[] jpeg, int quality)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
