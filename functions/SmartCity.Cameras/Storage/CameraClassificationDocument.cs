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
    string? CaptureTimeNote,
    int Width,
    int Height,
    IReadOnlyList<ModelClassification> Models,
    double ProcessingMs,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys,
    bool Stale,
    DateTimeOffset PictureFirstSeenAt,
    string? StaleReason,
    double? StaleDistance)
{
    /// <summary>The document of a classified upload whose rows have <paramref name="rowKeys"/>.</summary>
    public static CameraClassificationDocument From(ClassifiedUpload classified, IReadOnlyList<string> rowKeys)
    {
        ArgumentNullException.ThrowIfNull(classified);
        var (upload, capturedAt, stale) = (classified.Upload, classified.CapturedAt, classified.Stale);
        return new CameraClassificationDocument(
            upload.CameraId,
            upload.BlobName,
            upload.SourceUri,
            upload.SourceETag,
            capturedAt.Time,
            capturedAt.Source,
            capturedAt.Note,
            classified.Models[0].Width,
            classified.Models[0].Height,
            [.. classified.Models.Select(m => m.Classification)],
            Math.Round(classified.ProcessingMs, 2),
            classified.ProcessedAt,
            rowKeys,
            stale.Stale,
            stale.PictureFirstSeenAt,
            stale.Reason,
            stale.Distance is { } distance ? Math.Round(distance, 6) : null);
    }
}
