namespace SmartCity.Cameras.Storage;

/// <summary>One page of rows read from the results table, newest first, and the table's token for the next page (null at the end).</summary>
public sealed record CameraClassificationRows(IReadOnlyList<CameraClassification> Items, string? ContinuationToken);
