using Azure;

namespace SmartCity.Cameras.Storage;

/// <summary>A delivery's claim of a blob's index row: the generation it holds and the row's ETag after the claim.</summary>
/// <param name="Generation">The index's generation this delivery wrote.</param>
/// <param name="IndexETag">The index row's ETag after the claim: the condition of finishing.</param>
/// <param name="Previous">The index the claim replaced (null for a new blob name).</param>
/// <param name="StaleRowKeys">Rows of earlier versions to delete when finishing.</param>
internal sealed record UploadClaim(long Generation, ETag IndexETag, CameraUploadIndex? Previous, IReadOnlyList<string> StaleRowKeys);
