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
    string? CaptureTimeNote,
    DateTimeOffset ProcessedAt,
    IReadOnlyList<string> RowKeys)
{
    /// <summary>The record of a rejected upload whose row has the key in <paramref name="rowKeys"/>.</summary>
    public static CameraRejectionDocument From(RejectedUpload rejected, IReadOnlyList<string> rowKeys)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var upload = rejected.Upload;
        return new CameraRejectionDocument(
            upload.CameraId,
            upload.BlobName,
            upload.SourceUri,
            upload.SourceETag,
            upload.ContentLength,
            rejected.Reason,
            rejected.Message,
            rejected.CapturedAt.Time,
            rejected.CapturedAt.Source,
            rejected.CapturedAt.Note,
            rejected.ProcessedAt,
            rowKeys);
    }
}
