using Azure;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// What the store remembers of an upload (the per-blob index row, <see cref="CameraRowKeys.Index"/>):
/// the version last written, its status, its result rows, the rows of an earlier version still to
/// delete, and whether every write of that version finished. It is also the point where deliveries
/// of one blob name are put in order: it is only ever written on condition of its own ETag
/// (<see cref="RowETag"/>), and each claim of it counts up <see cref="Generation"/>.
/// </summary>
public sealed record CameraUploadIndex(string SourceETag, string Status, IReadOnlyList<string> RowKeys, IReadOnlyList<string> StaleRowKeys, bool Complete)
{
    /// <summary>When the blob version <see cref="SourceETag"/> was uploaded (its Last-Modified; default for rows written before it was kept).</summary>
    public DateTimeOffset SourceLastModified { get; init; }

    /// <summary>How many times the index was claimed; the documents carry the generation they were written for.</summary>
    public long Generation { get; init; }

    /// <summary>The index row's own ETag, the condition of the next write.</summary>
    public ETag RowETag { get; init; }

    /// <summary>True when the version <paramref name="etag"/> was stored completely: a re-delivery writes nothing.</summary>
    public bool IsCompleteFor(string etag) => Complete && string.Equals(SourceETag, etag, StringComparison.Ordinal);

    /// <summary>
    /// True when the stored version is newer than <paramref name="upload"/> by Last-Modified. Equal
    /// Last-Modified (it has one-second resolution) says nothing: only the blob can tell then.
    /// </summary>
    public bool Supersedes(CameraUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return !string.Equals(SourceETag, upload.SourceETag, StringComparison.Ordinal) && SourceLastModified != default && SourceLastModified > upload.LastModified;
    }

    /// <summary>The rows of earlier versions that new rows with <paramref name="rowKeys"/> do not overwrite.</summary>
    public string[] RowsReplacedBy(IEnumerable<string> rowKeys) =>
        [.. RowKeys.Concat(StaleRowKeys).Except(rowKeys, StringComparer.Ordinal).Distinct(StringComparer.Ordinal)];

    /// <summary>True when a document of another status may exist (the last version had another status, or was not finished).</summary>
    public bool MayHaveDocumentOtherThan(string status) => !string.Equals(Status, status, StringComparison.Ordinal) || !Complete;
}
