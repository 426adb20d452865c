namespace SmartCity.Cameras.Storage;

/// <summary>The record of an upload that is not a readable image, <c>{RejectedContainer}/{cameraId}/{name}.json</c>.</summary>
public sealed record CameraRejectionDocument(
    string CameraId,
    string BlobName,
    string SourceUri,
    string SourceETag,
    long ContentLength,
    string Reason,
    string Message,
    DateTimeOffset CapturedAt,
    string CaptureTimeSource,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys);
