using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using SmartCity.Functions.Models;

namespace SmartCity.Functions.Training;

/// <summary>
/// A job's storage in <c>Training:JobsContainer</c>, under <c>&lt;model&gt;/&lt;job&gt;/</c>: the job
/// document (<c>job.json</c>, written only with its ETag), the list of labelled images
/// (<c>images.json</c>), one embeddings blob per step (<c>embeddings/NNNNN.bin</c>, rewritten
/// whole by a retry) and the trained package (<c>package/</c>) the publish step reads; and each
/// calibration job's document (<c>&lt;model&gt;/calibrations/&lt;job&gt;/job.json</c>).
/// </summary>
public sealed class TrainingJobStore
{
    public TrainingJobStore(ModelStorageClients clients, IOptions<TrainingOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs.GetBlobContainerClient(options.Value.JobsContainer))
    {
    }

    public TrainingJobStore(BlobContainerClient container) => Container = container ?? throw new ArgumentNullException(nameof(container));

    public BlobContainerClient Container { get; }

    /// <summary>Stores a new job; its ETag.</summary>
    public async Task<ETag> CreateAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var upload = await Document(job.Model, job.Id).UploadAsync(Serialize(job), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        return upload.Value.ETag;
    }

    /// <summary>The job and its ETag, or null when there is none.</summary>
    public async Task<(TrainingJobDocument Job, ETag ETag)?> ReadAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Document(model, jobId).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var job = JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, TrainingJsonContext.Default.TrainingJobDocument);
            return job is null ? null : (job, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes the job if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another invocation changed it first.</summary>
    public async Task<ETag?> TryWriteAsync(TrainingJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            var upload = await Document(job.Model, job.Id).UploadAsync(Serialize(job), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
            return upload.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }

    public Task WriteImagesAsync(string model, string jobId, List<TrainingImage> images, CancellationToken cancellationToken) =>
        Container.GetBlobClient($"{model}/{jobId}/images.json").UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(images, TrainingJsonContext.Default.ListTrainingImage)), overwrite: true, cancellationToken);

    public async Task<List<TrainingImage>> ReadImagesAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        var content = await Container.GetBlobClient($"{model}/{jobId}/images.json").DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, TrainingJsonContext.Default.ListTrainingImage) ?? [];
    }

    public Task WriteChunkAsync(string model, string jobId, int chunk, EmbeddedChunk embedded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        return Container.GetBlobClient(ChunkName(model, jobId, chunk)).UploadAsync(BinaryData.FromBytes(embedded.ToBytes()), overwrite: true, cancellationToken);
    }

    public async Task<EmbeddedChunk> ReadChunkAsync(string model, string jobId, int chunk, CancellationToken cancellationToken)
    {
        var content = await Container.GetBlobClient(ChunkName(model, jobId, chunk)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return EmbeddedChunk.FromBytes(content.Value.Content.ToMemory().Span);
    }

    public async Task WritePackageAsync(string model, string jobId, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var (name, content) in files)
        {
            await Container.GetBlobClient($"{model}/{jobId}/package/{name}").UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<Dictionary<string, byte[]>> ReadPackageAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        var prefix = $"{model}/{jobId}/package/";
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var content = await Container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            files[item.Name[prefix.Length..]] = content.Value.Content.ToArray();
        }

        return files;
    }

    /// <summary>Stores a new calibration job (<c>&lt;model&gt;/calibrations/&lt;job&gt;/job.json</c>); its ETag.</summary>
    public async Task<ETag> CreateCalibrationAsync(CalibrationJobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var upload = await CalibrationDocument(job.Model, job.Id).UploadAsync(Serialize(job), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        return upload.Value.ETag;
    }

    /// <summary>The calibration job and its ETag, or null when there is none.</summary>
    public async Task<(CalibrationJobDocument Job, ETag ETag)?> ReadCalibrationAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await CalibrationDocument(model, jobId).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var job = JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, TrainingJsonContext.Default.CalibrationJobDocument);
            return job is null ? null : (job, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes the calibration job if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another invocation changed it first.</summary>
    public async Task<ETag?> TryWriteCalibrationAsync(CalibrationJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            var upload = await CalibrationDocument(job.Model, job.Id).UploadAsync(Serialize(job), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
            return upload.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }

    private BlobClient CalibrationDocument(string model, string jobId) => Container.GetBlobClient($"{model}/calibrations/{jobId}/job.json");

    private BlobClient Document(string model, string jobId) => Container.GetBlobClient($"{model}/{jobId}/job.json");

    private static string ChunkName(string model, string jobId, int chunk) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}/{jobId}/embeddings/{chunk:D5}.bin");

    private static BinaryData Serialize(CalibrationJobDocument job) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, TrainingJsonContext.Default.CalibrationJobDocument));

    private static BinaryData Serialize(TrainingJobDocument job) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, TrainingJsonContext.Default.TrainingJobDocument));
}
