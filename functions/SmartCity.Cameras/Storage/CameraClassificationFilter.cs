namespace SmartCity.Cameras.Storage;

/// <summary>Which rows of a camera a list returns: captured in [<paramref name="From"/>, <paramref name="To"/>), optionally of one top label or model.</summary>
public sealed record CameraClassificationFilter(string CameraId, DateTimeOffset From, DateTimeOffset To, string? Label = null, string? Model = null);
