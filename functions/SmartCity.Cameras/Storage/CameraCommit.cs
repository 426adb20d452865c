namespace SmartCity.Cameras.Storage;

/// <summary>What became of one delivery's result in the store.</summary>
/// <param name="Stored">True when this delivery's rows and document are what is stored for the blob.</param>
/// <param name="Winner">When not stored: the index of the version stored instead (newer, or this version stored by another delivery).</param>
/// <param name="RowKeys">The row keys of what is stored.</param>
public sealed record CameraCommit(bool Stored, CameraUploadIndex? Winner, IReadOnlyList<string> RowKeys);
