namespace SmartCity.Cameras;

/// <summary>The result of <see cref="CameraImageClassifier.ClassifyAsync"/>.</summary>
public sealed record CameraUploadResult(CameraUploadOutcome Outcome, string CameraId, string BlobName, IReadOnlyList<string> RowKeys, string? Reason = null);
