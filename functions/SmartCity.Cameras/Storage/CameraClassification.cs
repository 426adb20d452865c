namespace SmartCity.Cameras.Storage;

/// <summary>One row of the results table, as the query API returns it; <see cref="ObjectCounts"/> for a detector's row (the boxes are in the document).</summary>
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
    IReadOnlyDictionary<string, string>? OtherHeadLabels = null,
    IReadOnlyDictionary<string, int>? ObjectCounts = null);
