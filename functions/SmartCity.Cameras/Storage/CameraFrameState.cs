using System.Runtime.InteropServices;
using Azure;
using Azure.Data.Tables;

using SmartCity.Inference;
namespace SmartCity.Cameras.Storage;

/// <summary>
/// Keeps each camera's last two frame fingerprints in the camera's own table partition (row
/// <see cref="RowKey"/>), not in memory: instances come and go on the Flex Consumption plan.
/// Updates use the row's ETag (optimistic concurrency), so two instances handling frames of
/// one camera at once cannot lose a frame. A re-delivered upload is compared with the frame
/// before it, not with itself, so retries give the same answer.
/// </summary>
public sealed class CameraFrameState(TableClient table, FrozenFeedDetector detector)
{
    /// <summary>Sorts after every result row (digits) and index row (<c>blob-</c>), outside every time range.</summary>
    public const string RowKey = "state-frames";

    private const int Attempts = 8;

    public async Task<StaleDecision> RecordAsync(string cameraId, string blobName, string etag, string contentHash, float[]? embedding, DateTimeOffset capturedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(cameraId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var row = existing.HasValue ? existing.Value : null;
            var last = Read(row, "Last");
            var previous = Read(row, "Previous");
            var thisUpload = $"{blobName}|{etag}";

            if (last is not null && last.Upload == thisUpload)
            {
                // Re-delivery after the state was written: decide against the frame before, change nothing.
                return detector.Decide(previous?.Fingerprint, contentHash, embedding, capturedAt);
            }

            var decision = detector.Decide(last?.Fingerprint, contentHash, embedding, capturedAt);
            if (last is not null && capturedAt < last.Fingerprint.CapturedAt)
            {
                // An older frame arriving late does not move the camera's "previous frame".
                return decision;
            }

            var entity = new TableEntity(cameraId, RowKey);
            Write(entity, "Last", new Stored(thisUpload, new FrameFingerprint(contentHash, embedding, capturedAt, decision.PictureFirstSeenAt)));
            if (last is not null)
            {
                Write(entity, "Previous", last);
            }

            try
            {
                if (row is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return decision;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < Attempts)
            {
                // Another invocation recorded a frame of this camera first: back off, read again, decide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed record Stored(string Upload, FrameFingerprint Fingerprint);

    private static Stored? Read(TableEntity? row, string prefix)
    {
        if (row?.GetString(prefix + "Upload") is not { } upload || row.GetString(prefix + "Hash") is not { } hash)
        {
            return null;
        }

        var embedding = row.GetBinary(prefix + "Embedding") is { Length: > 0 } bytes ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : null;
        return new Stored(upload, new FrameFingerprint(
            hash,
            embedding,
            row.GetDateTimeOffset(prefix + "CapturedAt") ?? default,
            row.GetDateTimeOffset(prefix + "FirstSeenAt") ?? default));
    }

    private static void Write(TableEntity row, string prefix, Stored stored)
    {
        row[prefix + "Upload"] = stored.Upload;
        row[prefix + "Hash"] = stored.Fingerprint.ContentHash;
        row[prefix + "CapturedAt"] = stored.Fingerprint.CapturedAt.ToUniversalTime();
        row[prefix + "FirstSeenAt"] = stored.Fingerprint.PictureFirstSeenAt.ToUniversalTime();
        if (stored.Fingerprint.Embedding is { } embedding)
        {
            // 512 floats = 2 KB, well under the 64 KB property limit.
            row[prefix + "Embedding"] = MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();
        }
    }
}
