using Azure;
using Azure.Data.Tables;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// Keeps each camera's last two frame fingerprints in the camera's own table partition (row
/// <see cref="CameraRowKeys.FrameState"/>), not in memory: instances come and go on the Flex
/// Consumption plan. Updates use the row's ETag (optimistic concurrency), so two instances
/// handling frames of one camera at once cannot lose a frame. A re-delivered upload is compared
/// with the frame before it, not with itself, so retries give the same answer. A recorded frame
/// whose capture time lies in the future (more than <see cref="CaptureTimeReader.FutureTolerance"/>
/// after now: written from a wrong camera clock before such times were refused) is ignored, so
/// the camera's state recovers instead of holding every later frame for "late" for good.
/// </summary>
internal sealed class CameraFrameState(TableClient table)
{
    private const int Attempts = 8;

    /// <summary>Compares <paramref name="frame"/> with the camera's previous frame, and records it as the camera's last.</summary>
    public async Task<StaleDecision> RecordAsync(CameraUpload upload, CameraFrame frame, FrozenFeedDetector detector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(upload.CameraId, CameraRowKeys.FrameState, cancellationToken: cancellationToken).ConfigureAwait(false);
            var row = existing.HasValue ? existing.Value : null;
            var (decision, update) = Decide(Trusted(CameraTableRows.ReadFrameState(row), now), upload, frame, detector);
            if (update is null)
            {
                return decision;
            }

            try
            {
                await SaveAsync(row, update, cancellationToken).ConfigureAwait(false);
                return decision;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < Attempts)
            {
                // Another invocation recorded a frame of this camera first: back off, read again, decide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The decision, and the frame-state row to write (null when the state stays as it is).</summary>
    private static (StaleDecision Decision, TableEntity? Update) Decide((RecordedFrame? Last, RecordedFrame? Previous) state, CameraUpload upload, CameraFrame frame, FrozenFeedDetector detector)
    {
        var thisUpload = $"{upload.BlobName}|{upload.SourceETag}";
        if (state.Last is not null && state.Last.Upload == thisUpload)
        {
            // Re-delivery after the state was written: decide against the frame before, change nothing.
            return (detector.Decide(state.Previous?.Fingerprint, frame.ContentHash, frame.Embedding, frame.CapturedAt), null);
        }

        var decision = detector.Decide(state.Last?.Fingerprint, frame.ContentHash, frame.Embedding, frame.CapturedAt);
        if (state.Last is not null && frame.CapturedAt < state.Last.Fingerprint.CapturedAt)
        {
            // An older frame arriving late does not move the camera's "previous frame".
            return (decision, null);
        }

        var recorded = new RecordedFrame(thisUpload, new FrameFingerprint(frame.ContentHash, frame.Embedding, frame.CapturedAt, decision.PictureFirstSeenAt));
        return (decision, CameraTableRows.FrameStateRow(upload.CameraId, recorded, state.Last));
    }

    /// <summary>The recorded frames without those captured in the future of <paramref name="now"/> (beyond clock skew).</summary>
    private static (RecordedFrame? Last, RecordedFrame? Previous) Trusted((RecordedFrame? Last, RecordedFrame? Previous) state, DateTimeOffset now)
    {
        var previous = IsTrusted(state.Previous, now) ? state.Previous : null;
        return IsTrusted(state.Last, now) ? (state.Last, previous) : (previous, null);
    }

    private static bool IsTrusted(RecordedFrame? frame, DateTimeOffset now) =>
        frame is null || CaptureTimeReader.IsTrusted(frame.Fingerprint.CapturedAt, now);

    private async Task SaveAsync(TableEntity? existing, TableEntity update, CancellationToken cancellationToken)
    {
        if (existing is null)
        {
            await table.AddEntityAsync(update, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await table.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }
}
