namespace SmartCity.Cameras.Storage;

/// <summary>
/// One row of the results table, as the query API returns it; <see cref="ObjectCounts"/> for a detector's row (the boxes are in the document).
/// <see cref="Model"/> is the base model even when the camera's calibrated model (<see cref="ServedBy"/>, <see cref="Calibrated"/>) answered;
/// <see cref="ModelVersion"/> is the version that answered. <see cref="Confidence"/> (<c>sure</c>/<c>unsure</c>),
/// <see cref="UnsureReasons"/>, <see cref="Margin"/> and <see cref="Estimates"/> (per estimate head) are null on rows written before they were kept.
/// </summary>
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
    IReadOnlyDictionary<string, int>? ObjectCounts = null,
    string? ServedBy = null,
    bool? Calibrated = null,
    string? Confidence = null,
    IReadOnlyList<string>? UnsureReasons = null,
    float? Margin = null,
    IReadOnlyDictionary<string, float>? Estimates = null);
