namespace SmartCity.Cameras.Storage;

/// <summary>The columns of a result or rejection row that a summary counts.</summary>
/// <param name="Status"><c>classified</c> or <c>rejected</c>.</param>
/// <param name="Model">The model of a result row.</param>
/// <param name="TopLabel">The model's most probable label.</param>
/// <param name="CapturedAt">The upload's capture time.</param>
/// <param name="BlobName">The upload, under its camera.</param>
/// <param name="Stale">True when the frame repeated the camera's previous picture.</param>
/// <param name="PictureFirstSeenAt">When the repeated picture was first seen.</param>
/// <param name="ObjectCounts">A detector's objects per label in the frame; null for a classifier.</param>
/// <param name="Confidence"><c>sure</c> or <c>unsure</c>; null on rows written before confidence was kept.</param>
/// <param name="Estimates">The value of each estimate head (e.g. <c>vehicles</c>); null when the model has none.</param>
public sealed record CameraSummaryRow(string? Status, string? Model, string? TopLabel, DateTimeOffset CapturedAt, string? BlobName, bool Stale, DateTimeOffset? PictureFirstSeenAt, IReadOnlyDictionary<string, int>? ObjectCounts = null, string? Confidence = null, IReadOnlyDictionary<string, float>? Estimates = null);
