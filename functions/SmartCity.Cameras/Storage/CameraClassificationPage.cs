namespace SmartCity.Cameras.Storage;

/// <summary>A page of classifications, newest first.</summary>
public sealed record CameraClassificationPage(
    string CameraId,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<CameraClassification> Items,
    string? ContinuationToken);
