namespace SmartCity.Cameras.Storage;

/// <summary>The cameras with stored results, each with its newest row; <paramref name="Truncated"/> when there were more than <see cref="CameraResultsQuery.MaxCameras"/>.</summary>
public sealed record CameraList(IReadOnlyList<CameraOverview> Cameras, bool Truncated);

/// <summary>A camera and its newest result or rejection row (null when it has none left in the table).</summary>
public sealed record CameraOverview(string CameraId, CameraClassification? Latest);
