namespace SmartCity.Cameras;

/// <summary>A frame to compare with the camera's previous one (frozen-feed detection).</summary>
/// <param name="ContentHash">SHA-256 of the frame's bytes (<see cref="FrozenFeedDetector.Hash"/>).</param>
/// <param name="Embedding">The frame's L2-normalised embedding.</param>
/// <param name="CapturedAt">When the frame was taken.</param>
public sealed record CameraFrame(string ContentHash, float[]? Embedding, DateTimeOffset CapturedAt);
