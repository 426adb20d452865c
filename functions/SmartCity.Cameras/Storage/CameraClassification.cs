namespace SmartCity.Cameras.Storage;

/// <summary>One row of the results table, as the query API returns it.</summary>
public sealed record CameraClassification(
    string CameraId,
    string BlobName,
    DateTimeOffset CapturedAt,
    string Status,
    string? Model,
    string? ModelVersion,
    string? TopLabel,
    float? TopProbability,
    IReadOnlyList<LabelScore>? Predictions,
    int? Width,
    int? Height,
    string SourceUri,
    string SourceETag,
    string? Reason,
    string Id,
    bool? Stale = null,
    DateTimeOffset? PictureFirstSeenAt = null,
    IReadOnlyDictionary<string, string>? OtherHeadLabels = null);
