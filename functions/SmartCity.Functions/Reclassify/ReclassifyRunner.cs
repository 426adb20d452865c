using System.Globalization;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// Runs a reclassification, one queue message at a time, on as many instances as the queue scales to.
/// <list type="bullet">
/// <item><b>list</b> (a chain, like a training job's steps): reads one page of the model's stored
/// result rows in the range (the capture time is the row key, so the range is exact) of the current
/// camera, writes each <c>Reclassify:BlobsPerMessage</c> of them as a batch blob (once: a batch's
/// uploads never change) and sends a <b>batch</b> message for it, then commits the cursor with the
/// job's ETag and sends the next list message. A repeated list message for a committed page does
/// nothing; one for the page in hand rewrites the same batches (the same numbers) and sends them again,
/// which the batch markers below absorb.</item>
/// <item><b>batch</b>: reclassifies its uploads through <see cref="CameraReclassifier"/> (a result
/// already at the version is skipped, so redoing a batch redoes nothing), writes its result blob,
/// then adds its counts to the job with the batch number, in one ETag write: a redelivered batch
/// finds its number there and stops, or finds its result blob and counts that. A storage fault throws
/// (the queue retries); at the last try the uploads still failing are recorded as failed, so a poison
/// batch is counted, never lost.</item>
/// </list>
/// </summary>
public sealed partial class ReclassifyRunner(
    InferenceEngine engine,
    CameraReclassifier reclassifier,
    CameraResultStore results,
    ReclassifyJobStore jobs,
    ReclassifySender sender,
    IOptions<ReclassifyOptions> options,
    ILogger<ReclassifyRunner> logger,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private ReclassifyOptions Options => options.Value;

    public async Task RunAsync(string message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (!TryParse(message, out var parsed))
        {
            LogIgnored(logger, message.Length > 200 ? message[..200] : message);
            return;
        }

        if (parsed.Kind == ReclassifyMessage.List)
        {
            await ListAsync(parsed, dequeueCount, cancellationToken);
        }
        else
        {
            await BatchAsync(parsed, dequeueCount, cancellationToken);
        }
    }

    private async Task ListAsync(ReclassifyMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (await jobs.ReadAsync(message.JobId, cancellationToken) is not var (job, etag))
        {
            LogNoJob(logger, message.JobId);
            return;
        }

        if (job.Finished || job.ListingDone)
        {
            return;
        }

        if (message.Sequence != job.Sequence)
        {
            // A redelivery after a crash between the commit of a page and the send of the next message.
            if (message.Sequence == job.Sequence - 1 && !job.Kicked && dequeueCount > 1)
            {
                await KickAsync(job, etag, cancellationToken);
            }

            return;
        }

        ListedPage page;
        try
        {
            page = await ReadPageAsync(job, cancellationToken);
        }
        catch (Exception ex) when (dequeueCount >= ReclassifyOptions.MaxDequeueCount && ex is not OperationCanceledException)
        {
            LogGaveUp(logger, ex, job.Id);
            await jobs.UpdateAsync(job.Id, current => Fail(current, message.Sequence, $"Listing failed {dequeueCount} times; the last time: {ex.Message}"), cancellationToken);
            return;
        }

        for (var i = 0; i < page.Batches.Count; i++)
        {
            await jobs.WriteBatchAsync(job.Id, job.Batches + i, page.Batches[i], cancellationToken);
            await sender.SendAsync(new ReclassifyMessage(job.Id, ReclassifyMessage.BatchKind, 0, job.Batches + i), cancellationToken);
        }

        var committed = await jobs.UpdateAsync(job.Id, current => Commit(current, message.Sequence, page), cancellationToken);
        if (committed is not var (next, written))
        {
            LogRaced(logger, job.Id, message.Sequence);
            return;
        }

        LogListed(logger, job.Id, page.Counts.Listed, page.Batches.Count, next.ListingDone);
        if (!next.ListingDone)
        {
            await KickAsync(next, written, cancellationToken);
        }
    }

    /// <summary>The next page of the job's listing: the batches to send, the counts, and the cursor after it.</summary>
    private async Task<ListedPage> ReadPageAsync(ReclassifyJobDocument job, CancellationToken cancellationToken)
    {
        var cameras = job.Cameras ?? await CamerasAsync(job, cancellationToken);
        var (camera, continuation) = (job.Camera, job.Continuation);
        var counts = new ReclassifyCounts();
        var pending = new List<ReclassifyItem>();
        if (camera < cameras.Count)
        {
            var (rows, token) = await results.ListModelResultsAsync(cameras[camera], job.From, job.To, job.Model, ReclassifyOptions.RowsPerListing, continuation, cancellationToken);
            // Every row goes into a batch, those already at the version too (the batch skips them): a page
            // read again after a crash then makes the very same batches, whatever the batches did meanwhile.
            counts.Listed += rows.Count;
            pending.AddRange(rows.Select(r => new ReclassifyItem(cameras[camera], r.BlobName, r.Version)));

            (camera, continuation) = token is null ? (camera + 1, null) : (camera, token);
        }

        var batches = pending.Chunk(Options.BlobsPerMessage).Select(c => c.ToList()).ToList();
        return new ListedPage(cameras, camera, continuation, camera >= cameras.Count, batches, counts);
    }

    private async Task<List<string>> CamerasAsync(ReclassifyJobDocument job, CancellationToken cancellationToken)
    {
        if (job.CameraId is { } one)
        {
            return [one];
        }

        var cameras = new List<string>();
        await foreach (var camera in results.ListCamerasAsync(job.Prefix ?? string.Empty, cancellationToken))
        {
            cameras.Add(camera);
        }

        return cameras;
    }

    private bool Commit(ReclassifyJobDocument job, int sequence, ListedPage page)
    {
        if (job.Sequence != sequence || job.Finished)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        job.State = page.Done ? ReclassifyJobState.Running : ReclassifyJobState.Listing;
        job.StartedAt ??= now;
        job.Cameras = page.Cameras;
        job.Camera = page.Camera;
        job.Continuation = page.Continuation;
        job.ListingDone = page.Done;
        job.Batches += page.Batches.Count;
        job.Counts.Add(page.Counts);
        job.Sequence = sequence + 1;
        job.Kicked = false;
        job.CompleteIfDone(now);
        return true;
    }

    private bool Fail(ReclassifyJobDocument job, int sequence, string reason)
    {
        if (job.Sequence != sequence || job.Finished)
        {
            return false;
        }

        job.State = ReclassifyJobState.Failed;
        job.Failure = reason;
        job.FinishedAt = _time.GetUtcNow();
        return true;
    }

    /// <summary>Sends the list message for the job's current sequence, then notes that it was sent (if the job is still as read).</summary>
    private async Task KickAsync(ReclassifyJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        await sender.SendAsync(new ReclassifyMessage(job.Id, ReclassifyMessage.List, job.Sequence, 0), cancellationToken);
        job.Kicked = true;
        try
        {
            await jobs.TryWriteAsync(job, etag, cancellationToken);
        }
        catch (RequestFailedException)
        {
            // Only a hint for a later redelivery: the message is sent either way.
        }
    }

    private async Task BatchAsync(ReclassifyMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (await jobs.ReadAsync(message.JobId, cancellationToken) is not var (job, _))
        {
            LogNoJob(logger, message.JobId);
            return;
        }

        if (job.Finished || job.DoneBatches.Contains(message.Batch))
        {
            return;
        }

        var result = await jobs.ReadResultAsync(job.Id, message.Batch, cancellationToken);
        if (result is null)
        {
            var items = await jobs.ReadBatchAsync(job.Id, message.Batch, cancellationToken);
            if (items is null)
            {
                LogNoBatch(logger, job.Id, message.Batch);
                return;
            }

            result = await ReclassifyAsync(job, items, dequeueCount >= ReclassifyOptions.MaxDequeueCount, cancellationToken);
            await jobs.WriteResultAsync(job.Id, message.Batch, result, cancellationToken);
        }

        var counted = await jobs.UpdateAsync(job.Id, current => Count(current, message.Batch, result), cancellationToken);
        if (counted is var (done, _))
        {
            LogBatch(logger, job.Id, message.Batch, result.Reclassified, result.Skipped, result.Failed, done.State);
        }
    }

    /// <summary>The batch's outcome. A fault throws unless <paramref name="lastTry"/>, when the faulty uploads count as failed.</summary>
    private async Task<ReclassifyBatchResult> ReclassifyAsync(ReclassifyJobDocument job, List<ReclassifyItem> items, bool lastTry, CancellationToken cancellationToken)
    {
        ModelVersion model;
        try
        {
            model = engine.Repository.Get(job.Model, job.Version);
        }
        catch (Exception ex) when (ex is ModelNotFoundException or ModelUnavailableException)
        {
            var reason = $"{job.Model}/{job.Version} is not served any more: {ex.Message}";
            return new ReclassifyBatchResult(0, 0, items.Count, [.. items.Take(ReclassifyOptions.MaxListedFailures).Select(i => new ReclassifyFailure(i.CameraId, i.BlobName, reason))]);
        }

        var outcomes = new CameraReclassification[items.Count];
        var faults = new Exception?[items.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.ParallelBlobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), parallel, async (i, ct) =>
        {
            try
            {
                outcomes[i] = await reclassifier.ReclassifyAsync(items[i].CameraId, items[i].BlobName, model, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                faults[i] = ex;
            }
        });

        if (!lastTry && faults.FirstOrDefault(f => f is not null) is { } fault)
        {
            // The queue tries the batch again; what was reclassified is skipped then.
            throw new InvalidOperationException($"Reclassification {job.Id}: {faults.Count(f => f is not null)} upload(s) of the batch failed with a fault; the batch is retried.", fault);
        }

        var failures = new List<ReclassifyFailure>();
        for (var i = 0; i < items.Count; i++)
        {
            if (faults[i] is { } ex)
            {
                outcomes[i] = new CameraReclassification(ReclassifyOutcome.Failed, items[i].CameraId, items[i].BlobName, null,
                    string.Create(CultureInfo.InvariantCulture, $"failed {ReclassifyOptions.MaxDequeueCount} times; the last time: {ex.Message}"));
            }

            if (outcomes[i].Outcome == ReclassifyOutcome.Failed)
            {
                failures.Add(new ReclassifyFailure(items[i].CameraId, items[i].BlobName, outcomes[i].Reason ?? "failed"));
            }
        }

        return new ReclassifyBatchResult(
            outcomes.Count(o => o.Outcome == ReclassifyOutcome.Reclassified),
            outcomes.Count(o => o.Outcome == ReclassifyOutcome.AlreadyAtVersion),
            failures.Count,
            [.. failures.Take(ReclassifyOptions.MaxListedFailures)]);
    }

    private bool Count(ReclassifyJobDocument job, int batch, ReclassifyBatchResult result)
    {
        if (job.Finished || job.DoneBatches.Contains(batch))
        {
            return false;
        }

        job.DoneBatches.Add(batch);
        job.Counts.Reclassified += result.Reclassified;
        job.Counts.Skipped += result.Skipped;
        job.Counts.Failed += result.Failed;
        job.Failures.AddRange(result.Failures.Take(ReclassifyOptions.MaxListedFailures - job.Failures.Count));
        job.CompleteIfDone(_time.GetUtcNow());
        return true;
    }

    private static bool TryParse(string text, out ReclassifyMessage message)
    {
        try
        {
            message = JsonSerializer.Deserialize(text, ReclassifyJsonContext.Default.ReclassifyMessage)!;
            return message is { JobId.Length: > 0, Kind: ReclassifyMessage.List or ReclassifyMessage.BatchKind, Sequence: >= 0, Batch: >= 0 } && ReclassifyHandler.IsJobId(message.JobId);
        }
        catch (JsonException)
        {
            message = null!;
            return false;
        }
    }

    private sealed record ListedPage(List<string> Cameras, int Camera, string? Continuation, bool Done, List<List<ReclassifyItem>> Batches, ReclassifyCounts Counts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a reclassification message that is not one: {Message}")]
    private static partial void LogIgnored(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message for reclassification {JobId}, which does not exist")]
    private static partial void LogNoJob(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored batch {Batch} of reclassification {JobId}: its uploads are not stored")]
    private static partial void LogNoBatch(ILogger logger, string jobId, int batch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclassification {JobId}: listing step {Sequence} was committed by another invocation first")]
    private static partial void LogRaced(ILogger logger, string jobId, int sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclassification {JobId}: listed {Listed} result(s), sent {Batches} batch(es); listing done: {Done}")]
    private static partial void LogListed(ILogger logger, string jobId, int listed, int batches, bool done);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclassification {JobId}: batch {Batch} reclassified {Reclassified}, skipped {Skipped}, failed {Failed}; job {State}")]
    private static partial void LogBatch(ILogger logger, string jobId, int batch, int reclassified, int skipped, int failed, ReclassifyJobState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reclassification {JobId}: the listing failed for good")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string jobId);
}
