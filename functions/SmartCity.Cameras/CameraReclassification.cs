namespace SmartCity.Cameras;

/// <summary>The outcome of reclassifying one upload, the version its result came from before, and the reason of a failure.</summary>
public sealed record CameraReclassification(ReclassifyOutcome Outcome, string CameraId, string BlobName, string? PreviousVersion = null, string? Reason = null);
