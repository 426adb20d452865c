namespace SmartCity.Cameras;

/// <summary>The result of <see cref="CameraImageClassifier.ClassifyAsync"/>.</summary>
public sealed record CameraUploadResult(CameraUploadOutcome Outcome, string CameraId, string BlobName, IReadOnlyList<string> RowKeys, string? Reason = null)
{
    /// <summary>A classified upload whose picture had not changed for the stale threshold (a frozen feed).</summary>
    public bool Stale { get; init; }
}
