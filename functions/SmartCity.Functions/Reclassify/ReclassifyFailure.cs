namespace SmartCity.Functions.Reclassify;

/// <summary>An upload that could not be reclassified, and why.</summary>
public sealed record ReclassifyFailure(string CameraId, string BlobName, string Reason);
