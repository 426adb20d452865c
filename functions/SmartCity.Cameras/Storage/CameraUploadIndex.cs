namespace SmartCity.Cameras.Storage;

/// <summary>
/// What the store remembers of an upload (the per-blob index row, <see cref="CameraRowKeys.Index"/>):
/// the version last written, its status, its result rows, the rows of an earlier version still to
/// delete, and whether every write of that version finished.
/// </summary>
public sealed record CameraUploadIndex(string SourceETag, string Status, IReadOnlyList<string> RowKeys, IReadOnlyList<string> StaleRowKeys, bool Complete)
{
    /// <summary>True when the version <paramref name="etag"/> was stored completely: a re-delivery writes nothing.</summary>
    public bool IsCompleteFor(string etag) => Complete && string.Equals(SourceETag, etag, StringComparison.Ordinal);

    /// <summary>The rows of earlier versions that new rows with <paramref name="rowKeys"/> do not overwrite.</summary>
    public string[] RowsReplacedBy(IEnumerable<string> rowKeys) =>
        [.. RowKeys.Concat(StaleRowKeys).Except(rowKeys, StringComparer.Ordinal).Distinct(StringComparer.Ordinal)];

    /// <summary>True when a document of another status may exist (the last version had another status, or was not finished).</summary>
    public bool MayHaveDocumentOtherThan(string status) => !string.Equals(Status, status, StringComparison.Ordinal) || !Complete;
}
