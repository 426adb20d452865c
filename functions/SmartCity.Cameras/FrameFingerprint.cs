namespace SmartCity.Cameras;

/// <summary>What a camera's last frame looked like, kept in storage between invocations.</summary>
/// <param name="ContentHash">SHA-256 of the frame's bytes, hex.</param>
/// <param name="Embedding">The frame's L2-normalised embedding (null when the models gave none).</param>
/// <param name="CapturedAt">When the frame was taken.</param>
/// <param name="PictureFirstSeenAt">When the picture this frame shows was first seen (earlier than <paramref name="CapturedAt"/> while the feed is frozen).</param>
public sealed record FrameFingerprint(string ContentHash, float[]? Embedding, DateTimeOffset CapturedAt, DateTimeOffset PictureFirstSeenAt);
