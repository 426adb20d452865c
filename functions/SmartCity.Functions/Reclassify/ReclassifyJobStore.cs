using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// Jobs' storage in <c>Reclassify:JobsContainer</c> (on <c>ModelStorage</c>, beside the training
/// jobs): <c>&lt;job&gt;/job.json</c> (written only with its ETag), each batch's uploads
/// (<c>&lt;job&gt;/batches/NNNNNN.json</c>, written once) and result
/// (<c>NNNNNN.done.json</c>), and <c>active/&lt;key&gt;</c>, naming the job that runs a given request.
/// </summary>
public sealed class ReclassifyJobStore
{
    private const int Attempts = 50;

    public ReclassifyJobStore(ModelStorageClients clients, IOptions<ReclassifyOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs.GetBlobContainerClient(options.Value.JobsContainer))
    {
    }

    public ReclassifyJobStore(BlobContainerClient container) => Container = container ?? throw new ArgumentNullException(nameof(container));

    public BlobContainerClient Container { get; }

    /// <summary>
    /// Stores <paramref name="job"/> unless a job with its key is running: then that job (and false).
    /// A finished job's key is taken over.
    /// </summary>
    public async Task<(ReclassifyJobDocument Job, bool Created)> CreateAsync(ReclassifyJobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var pointer = Container.GetBlobClient($"active/{job.Key}");
        for (var attempt = 1; ; attempt++)
        {
            var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                var current = await pointer.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                var running = await ReadAsync(current.Value.Content.ToString(), cancellationToken).ConfigureAwait(false);
                if (running is var (found, _) && !found.Finished)
                {
                    return (found, false);
                }

                conditions = new BlobRequestConditions { IfMatch = current.Value.Details.ETag };
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No job has had this key yet.
            }

            try
            {
                await Document(job.Id).UploadAsync(Serialize(job, ReclassifyJsonContext.Default.ReclassifyJobDocument), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Written by the previous attempt.
            }

            try
            {
                await pointer.UploadAsync(BinaryData.FromString(job.Id), new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
                return (job, true);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < Attempts)
            {
                // Another request took the key meanwhile: look again.
            }
        }
    }

    /// <summary>The job and its ETag, or null when there is none.</summary>
    public async Task<(ReclassifyJobDocument Job, ETag ETag)?> ReadAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Document(jobId).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var job = JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ReclassifyJsonContext.Default.ReclassifyJobDocument);
            return job is null ? null : (job, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes the job if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another invocation changed it first.</summary>
    public async Task<ETag?> TryWriteAsync(ReclassifyJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            var upload = await Document(job.Id).UploadAsync(Serialize(job, ReclassifyJsonContext.Default.ReclassifyJobDocument), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
            return upload.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the job as stored and writes it with its ETag, reading it again after a
    /// conflict; <paramref name="change"/> returns false when there is nothing (any more) to change. The job as written, or null.
    /// </summary>
    public async Task<(ReclassifyJobDocument Job, ETag ETag)?> UpdateAsync(string jobId, Func<ReclassifyJobDocument, bool> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            if (await ReadAsync(jobId, cancellationToken).ConfigureAwait(false) is not var (job, etag) || !change(job))
            {
                return null;
            }

            job.UpdatedAt = DateTimeOffset.UtcNow;
            if (await TryWriteAsync(job, etag, cancellationToken).ConfigureAwait(false) is { } written)
            {
                return (job, written);
            }

            if (attempt == Attempts)
            {
                throw new InvalidOperationException($"Reclassification {jobId} kept changing: {Attempts} conditional writes failed.");
            }

            await Task.Delay(Random.Shared.Next(5, 50), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a batch's uploads, unless the batch was written before (by an earlier try of the same listing page): its uploads never change.</summary>
    public async Task WriteBatchAsync(string jobId, int batch, List<ReclassifyItem> items, CancellationToken cancellationToken)
    {
        try
        {
            var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            await Container.GetBlobClient(BatchName(jobId, batch, string.Empty)).UploadAsync(Serialize(items, ReclassifyJsonContext.Default.ListReclassifyItem), new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Already written.
        }
    }

    public async Task<List<ReclassifyItem>?> ReadBatchAsync(string jobId, int batch, CancellationToken cancellationToken) =>
        await ReadOrNullAsync(BatchName(jobId, batch, string.Empty), ReclassifyJsonContext.Default.ListReclassifyItem, cancellationToken).ConfigureAwait(false);

    public Task WriteResultAsync(string jobId, int batch, ReclassifyBatchResult result, CancellationToken cancellationToken) =>
        Container.GetBlobClient(BatchName(jobId, batch, ".done")).UploadAsync(Serialize(result, ReclassifyJsonContext.Default.ReclassifyBatchResult), overwrite: true, cancellationToken);

    public Task<ReclassifyBatchResult?> ReadResultAsync(string jobId, int batch, CancellationToken cancellationToken) =>
        ReadOrNullAsync(BatchName(jobId, batch, ".done"), ReclassifyJsonContext.Default.ReclassifyBatchResult, cancellationToken);

    /// <summary>The newest jobs first (ids start with their creation time), up to <paramref name="top"/>.</summary>
    public async Task<List<ReclassifyJobDocument>> ListAsync(int top, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        if (!await Container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        await foreach (var item in Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix && item.Prefix != "active/")
            {
                ids.Add(item.Prefix.TrimEnd('/'));
            }
        }

        var jobs = new List<ReclassifyJobDocument>();
        foreach (var id in ids.OrderDescending(StringComparer.Ordinal).Take(top))
        {
            if (await ReadAsync(id, cancellationToken).ConfigureAwait(false) is var (job, _))
            {
                jobs.Add(job);
            }
        }

        return jobs;
    }

    private async Task<T?> ReadOrNullAsync<T>(string name, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var content = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, type);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private BlobClient Document(string jobId) => Container.GetBlobClient($"{jobId}/job.json");

    private static string BatchName(string jobId, int batch, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{jobId}/batches/{batch:D6}{suffix}.json");

    private static BinaryData Serialize<T>(T value, JsonTypeInfo<T> type) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, type));
}
