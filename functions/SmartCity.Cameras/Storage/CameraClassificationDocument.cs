namespace SmartCity.Cameras.Storage;

/// <summary>
/// The classification document of one upload, <c>{ResultsContainer}/{cameraId}/{name}.json</c>.
/// Holds no pixels: the source is named by URI and ETag.
/// </summary>
public sealed record CameraClassificationDocument(
    string CameraId,
    string BlobName,
    string SourceUri,
    string SourceETag,
    DateTimeOffset CapturedAt,
    string CaptureTimeSource,
    int Width,
    int Height,
    IReadOnlyList<ModelClassification> Models,
    double ProcessingMs,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys,
    bool Stale,
    DateTimeOffset PictureFirstSeenAt,
    string? StaleReason,
    double? StaleDistance);
