using System.Security.Cryptography;

namespace SmartCity.Cameras;

/// <summary>
/// Frozen-feed detection: a frame whose bytes equal the previous frame's (content hash), or
/// whose embedding is within <see cref="DistanceThreshold"/> cosine distance of it (a frozen
/// picture re-encoded), is stale. The threshold is measured on real frames by
/// <c>smartcity evaluate-stale</c>; see models/traffic-scene/1/TRAINING.md and README.
/// </summary>
public sealed class FrozenFeedDetector(double distanceThreshold)
{
    /// <summary>
    /// Default cosine-distance threshold for the embeddings of traffic-scene/2 (the default version,
    /// over the 8-bit backbone), measured on the 230 shared frames by <c>smartcity evaluate-stale</c>
    /// (README, Full-frame cameras): two different consecutive frames of one camera are at least
    /// 0.00650 apart; a frame and its own JPEG re-encode at quality 60 at most 0.00562; the command
    /// gives 0.00605. (Version 1's float embedding gave 0.0037.)
    /// </summary>
    public const double DefaultDistanceThreshold = 0.006;

    public double DistanceThreshold { get; } = distanceThreshold;

    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexString(SHA256.HashData(content));

    /// <summary>Cosine distance of two L2-normalised vectors (1 − dot product).</summary>
    public static double CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            return double.NaN;
        }

        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
        }

        return Math.Max(0, 1 - dot);
    }

    /// <summary>Compares a frame with the camera's previous one (null for the camera's first frame).</summary>
    public StaleDecision Decide(FrameFingerprint? previous, string contentHash, float[]? embedding, DateTimeOffset capturedAt)
    {
        if (previous is null || previous.CapturedAt > capturedAt)
        {
            // First frame, or an older frame arriving late: nothing to compare with in time order.
            return new StaleDecision(false, null, null, capturedAt);
        }

        double? distance = previous.Embedding is { } before && embedding is { } now ? CosineDistance(before, now) : null;
        if (string.Equals(previous.ContentHash, contentHash, StringComparison.Ordinal))
        {
            return new StaleDecision(true, "identical-bytes", distance, previous.PictureFirstSeenAt);
        }

        if (distance is { } d && !double.IsNaN(d) && d <= DistanceThreshold)
        {
            return new StaleDecision(true, "near-identical", d, previous.PictureFirstSeenAt);
        }

        return new StaleDecision(false, null, distance, capturedAt);
    }
}
