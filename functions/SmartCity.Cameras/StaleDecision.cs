namespace SmartCity.Cameras;

/// <summary>Whether a frame repeats the camera's previous picture.</summary>
/// <param name="Stale">True when the frame is identical or nearly identical to the previous frame.</param>
/// <param name="Reason"><c>identical-bytes</c>, <c>near-identical</c> or null.</param>
/// <param name="Distance">Cosine distance of the embeddings (null when one is missing).</param>
/// <param name="PictureFirstSeenAt">When the picture was first seen: the previous picture's time when stale, else this frame's.</param>
public sealed record StaleDecision(bool Stale, string? Reason, double? Distance, DateTimeOffset PictureFirstSeenAt);
