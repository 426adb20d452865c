namespace SmartCity.Functions.Reclassify;

/// <summary>One upload of a batch, and the version its result came from when it was listed.</summary>
public sealed record ReclassifyItem(string CameraId, string BlobName, string? ListedVersion);
