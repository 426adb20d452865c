using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// The documents of uploads: <c>{cameraId}/{name}.json</c> in the results container (classified)
/// or the rejected container (rejected). A document never goes back to an older version: each
/// carries the index generation it was written for (blob metadata <see cref="GenerationMetadata"/>),
/// and is written or removed only over a document of an older or equal generation, on condition
/// of that document's ETag, re-read and re-decided when another writer came first.
/// </summary>
internal sealed class CameraDocuments(BlobContainerClient results, BlobContainerClient rejected)
{
    /// <summary>The blob metadata holding a document's generation (absent on documents written before it was kept: 0).</summary>
    public const string GenerationMetadata = "generation";

    private const int Attempts = 10;

    /// <summary>
    /// Writes the document of <paramref name="status"/> unless one of a newer generation is there, then
    /// (when <paramref name="removeOther"/>) removes an older document of the other status. Returns the
    /// ETag written, or null when a newer document was found.
    /// </summary>
    public async Task<ETag?> WriteAsync(string name, string status, BinaryData document, long generation, bool removeOther, CancellationToken cancellationToken)
    {
        var written = await PutAsync(Container(status).GetBlobClient(name), document, generation, cancellationToken).ConfigureAwait(false);
        if (removeOther)
        {
            await RemoveOlderAsync(OtherContainer(status).GetBlobClient(name), generation, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Removes the document this delivery wrote, unless another writer has replaced it since.</summary>
    public async Task RemoveIfUnchangedAsync(string name, string status, ETag? written, CancellationToken cancellationToken)
    {
        if (written is not { } etag)
        {
            return;
        }

        try
        {
            await Container(status).GetBlobClient(name).DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = etag }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Replaced by a newer writer: it is theirs now.
        }
    }

    /// <summary>Removes a document of the status other than <paramref name="winner"/>'s left by an older generation.</summary>
    public Task RemoveOtherThanAsync(string name, CameraUploadIndex winner, CancellationToken cancellationToken) =>
        RemoveOlderAsync(OtherContainer(winner.Status).GetBlobClient(name), winner.Generation, cancellationToken);

    private static async Task<ETag?> PutAsync(BlobClient blob, BinaryData document, long generation, CancellationToken cancellationToken)
    {
        var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var options = new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = new Dictionary<string, string> { [GenerationMetadata] = generation.ToString(CultureInfo.InvariantCulture) },
                    Conditions = conditions,
                };
                return (await blob.UploadAsync(document, options, cancellationToken).ConfigureAwait(false)).Value.ETag;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < Attempts)
            {
                var stored = await StoredAsync(blob, cancellationToken).ConfigureAwait(false);
                if (stored?.Generation > generation)
                {
                    return null;
                }

                conditions = stored is { } found ? new BlobRequestConditions { IfMatch = found.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            }
        }
    }

    private static async Task RemoveOlderAsync(BlobClient blob, long generation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await StoredAsync(blob, cancellationToken).ConfigureAwait(false);
            if (stored is not { } found || found.Generation >= generation)
            {
                return;
            }

            try
            {
                await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = found.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < Attempts)
            {
                // Rewritten since it was read: read it again.
            }
        }
    }

    /// <summary>The document's ETag and generation, or null when there is none.</summary>
    private static async Task<(ETag ETag, long Generation)?> StoredAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var generation = properties.Metadata.TryGetValue(GenerationMetadata, out var text)
                && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            return (properties.ETag, generation);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private BlobContainerClient Container(string status) => status == CameraImageClassifier.StatusClassified ? results : rejected;

    private BlobContainerClient OtherContainer(string status) => status == CameraImageClassifier.StatusClassified ? rejected : results;
}
