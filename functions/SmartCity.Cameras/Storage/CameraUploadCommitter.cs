using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Stores one delivery's result (rows and document) so that, however deliveries of different
/// versions of one blob name interleave (a camera overwriting <c>latest.jpg</c>, on several
/// instances), what remains is exactly the rows and the document of the blob's newest version.
/// The per-blob index row puts them in order; it is only written on condition of its own ETag:
/// <list type="number">
/// <item>Claim: read the index and decide. The same ETag stored completely is a duplicate; a newer
/// version (by the blob's Last-Modified; on a tie of that one-second clock, by which ETag the blob
/// has now: the current version is the newest) supersedes this one, which then writes nothing. Otherwise one transaction writes the
/// new rows and the index (this version, generation + 1, the rows it replaces to delete, not
/// complete), on condition that the index is still what was read: when another delivery claimed
/// it first, read again and decide again. So rows are only ever written with an index that names
/// them, and an older version can never claim after a newer one.</item>
/// <item>The document, with the generation: never over a newer one (<see cref="CameraDocuments"/>).</item>
/// <item>Finish: one transaction deletes the replaced rows and marks the index complete, on
/// condition of the ETag the claim left. When it fails, a newer claim came meanwhile (its own
/// list of rows to delete includes ours), and this delivery removes the document it wrote if
/// nobody has replaced it: the winner writes its own.</item>
/// </list>
/// Every step can be repeated, so a retry after a fault at any point finishes the job.
/// </summary>
internal sealed class CameraUploadCommitter(TableClient table, CameraDocuments documents, Func<CameraUpload, BlobClient> sourceBlob)
{
    private const int Attempts = 10;

    /// <summary>Most rows deleted per finishing transaction (an entity group transaction holds 100 actions, one is the index).</summary>
    private const int DeletesPerTransaction = 99;

    /// <summary>
    /// Stores <paramref name="rows"/> and <paramref name="document"/> as the upload's result, unless a newer version or another delivery stored it.
    /// <paramref name="replacesGeneration"/> (a reclassification) lets the same blob version, stored completely at that generation,
    /// be replaced once: a claim by anyone else since (another reclassification, a re-upload) wins instead.
    /// </summary>
    public async Task<CameraCommit> CommitAsync(CameraUpload upload, string status, IReadOnlyList<TableEntity> rows, BinaryData document, CameraUploadIndex? known, CancellationToken cancellationToken, long? replacesGeneration = null)
    {
        var rowKeys = RowKeys(rows);
        var (claim, winner) = await ClaimAsync(upload, status, rows, known, replacesGeneration, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            return replacesGeneration is null
                ? await StoredByAnotherAsync(upload, winner!, cancellationToken).ConfigureAwait(false)
                : new CameraCommit(false, winner, winner?.RowKeys ?? []);
        }

        var name = CameraResultStore.DocumentName(upload.CameraId, upload.BlobName);
        var removeOther = claim.Previous is not null && claim.Previous.MayHaveDocumentOtherThan(status);
        var written = await documents.WriteAsync(name, status, document, claim.Generation, removeOther, cancellationToken).ConfigureAwait(false);
        if (await FinishAsync(upload, status, rowKeys, claim, cancellationToken).ConfigureAwait(false))
        {
            return new CameraCommit(true, null, rowKeys);
        }

        // Claimed by another delivery since: its document is to stay, not this one.
        await documents.RemoveIfUnchangedAsync(name, status, written, cancellationToken).ConfigureAwait(false);
        var current = await ReadIndexAsync(upload, cancellationToken).ConfigureAwait(false);
        return new CameraCommit(false, current, current?.RowKeys ?? []);
    }

    /// <summary>The index of the blob, or null when nothing is stored of it.</summary>
    public async Task<CameraUploadIndex?> ReadIndexAsync(CameraUpload upload, CancellationToken cancellationToken) =>
        await ReadIndexAsync(upload.CameraId, upload.BlobName, cancellationToken).ConfigureAwait(false);

    public async Task<CameraUploadIndex?> ReadIndexAsync(string cameraId, string name, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(cameraId, CameraRowKeys.Index(name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? CameraTableRows.ReadIndex(row.Value!) : null;
    }

    /// <summary>
    /// Nothing is written for a superseded delivery, except that a document of the other status
    /// left by an older generation (its delivery stopped between writing it and finishing) goes.
    /// </summary>
    public async Task<CameraCommit> StoredByAnotherAsync(CameraUpload upload, CameraUploadIndex winner, CancellationToken cancellationToken)
    {
        if (!string.Equals(winner.SourceETag, upload.SourceETag, StringComparison.Ordinal))
        {
            await documents.RemoveOtherThanAsync(CameraResultStore.DocumentName(upload.CameraId, upload.BlobName), winner, cancellationToken).ConfigureAwait(false);
        }

        return new CameraCommit(false, winner, winner.RowKeys);
    }

    /// <summary>The claim, or null and the index of the version that stays (a duplicate or a newer version).</summary>
    private async Task<(UploadClaim? Claim, CameraUploadIndex? Winner)> ClaimAsync(CameraUpload upload, string status, IReadOnlyList<TableEntity> rows, CameraUploadIndex? index, long? replacesGeneration, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (replacesGeneration is { } generation && (index is null || !index.IsCompleteFor(upload.SourceETag) || index.Generation != generation))
            {
                return (null, index);
            }

            if (index is not null && replacesGeneration is null && !await MayReplaceAsync(upload, index, cancellationToken).ConfigureAwait(false))
            {
                return (null, index);
            }

            var claim = new UploadClaim((index?.Generation ?? 0) + 1, default, index, index?.RowsReplacedBy(RowKeys(rows)) ?? []);
            try
            {
                var etag = await SubmitClaimAsync(upload, status, rows, claim, cancellationToken).ConfigureAwait(false);
                return (claim with { IndexETag = etag }, null);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < Attempts)
            {
                // Another delivery claimed the index since it was read: read it again, decide again.
                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                index = await ReadIndexAsync(upload, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True when <paramref name="upload"/> may replace what <paramref name="index"/> names: the same version unfinished, or a newer one.</summary>
    private async Task<bool> MayReplaceAsync(CameraUpload upload, CameraUploadIndex index, CancellationToken cancellationToken)
    {
        if (string.Equals(index.SourceETag, upload.SourceETag, StringComparison.Ordinal))
        {
            return !index.Complete;
        }

        if (index.SourceLastModified != default && index.SourceLastModified != upload.LastModified)
        {
            return index.SourceLastModified < upload.LastModified;
        }

        // Uploaded in the same second (or an index written before Last-Modified was kept): the version the blob has now is the newer one.
        var current = await CurrentETagAsync(sourceBlob(upload), cancellationToken).ConfigureAwait(false);
        return string.Equals(current, upload.SourceETag, StringComparison.Ordinal);
    }

    private static async Task<string?> CurrentETagAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>One transaction: the index first (added, or replaced on condition of its ETag), then the rows. Returns the index's new ETag.</summary>
    private async Task<ETag> SubmitClaimAsync(CameraUpload upload, string status, IReadOnlyList<TableEntity> rows, UploadClaim claim, CancellationToken cancellationToken)
    {
        var index = CameraTableRows.IndexRow(upload, status, RowKeys(rows), claim.StaleRowKeys, complete: false, claim.Generation);
        var actions = new List<TableTransactionAction>
        {
            claim.Previous is null
                ? new TableTransactionAction(TableTransactionActionType.Add, index)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, index, claim.Previous.RowETag),
        };
        actions.AddRange(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        var responses = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        return IndexETag(responses.Value[0]);
    }

    /// <summary>Deletes the replaced rows and marks the index complete, on condition of the claim's ETag; false when another delivery claimed the index since.</summary>
    private async Task<bool> FinishAsync(CameraUpload upload, string status, string[] rowKeys, UploadClaim claim, CancellationToken cancellationToken)
    {
        var (stale, etag) = (claim.StaleRowKeys.ToList(), claim.IndexETag);
        while (true)
        {
            var deletes = stale.Take(DeletesPerTransaction).ToList();
            var rest = stale.Skip(deletes.Count).ToList();
            var index = CameraTableRows.IndexRow(upload, status, rowKeys, rest, complete: rest.Count == 0, claim.Generation);
            var (next, missing) = await SubmitFinishAsync(upload.CameraId, index, etag, deletes, cancellationToken).ConfigureAwait(false);
            if (missing is not null)
            {
                stale.Remove(missing); // already deleted (by an earlier attempt): nothing left to do for it
            }
            else if (next is not { } nextETag)
            {
                return false;
            }
            else if (rest.Count == 0)
            {
                return true;
            }
            else
            {
                (stale, etag) = (rest, nextETag);
            }
        }
    }

    /// <summary>One finishing transaction: the index's new ETag; or the row found already deleted; or neither when another delivery claimed the index.</summary>
    private async Task<(ETag? ETag, string? Missing)> SubmitFinishAsync(string cameraId, TableEntity index, ETag etag, List<string> deletes, CancellationToken cancellationToken)
    {
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, index, etag)];
        actions.AddRange(deletes.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(cameraId, key), ETag.All)));
        try
        {
            return (IndexETag((await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false)).Value[0]), null);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex is > 0 and var failed)
        {
            return (null, deletes[failed - 1]);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return (null, null);
        }
    }

    private static ETag IndexETag(Response response) =>
        response.Headers.ETag ?? throw new InvalidOperationException("The table service answered a transaction without the index row's ETag.");

    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), cancellationToken);

    private static string[] RowKeys(IEnumerable<TableEntity> rows) => [.. rows.Select(r => r.RowKey)];
}
