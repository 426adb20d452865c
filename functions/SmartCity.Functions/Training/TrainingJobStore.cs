using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
    public Task<ETag> CreateAsync(TrainingJobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return CreateDocumentAsync(Document(job.Model, job.Id), job, TrainingJsonContext.Default.TrainingJobDocument, cancellationToken);
    }

    /// <summary>The job and its ETag, or null when there is none.</summary>
    public Task<(TrainingJobDocument Job, ETag ETag)?> ReadAsync(string model, string jobId, CancellationToken cancellationToken) =>
        ReadDocumentAsync(Document(model, jobId), TrainingJsonContext.Default.TrainingJobDocument, cancellationToken);

    /// <summary>Writes the job if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another invocation changed it first.</summary>
    public Task<ETag?> TryWriteAsync(TrainingJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TryWriteDocumentAsync(Document(job.Model, job.Id), job, etag, TrainingJsonContext.Default.TrainingJobDocument, cancellationToken);
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
    public Task<ETag> CreateCalibrationAsync(CalibrationJobDocument job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return CreateDocumentAsync(CalibrationDocument(job.Model, job.Id), job, TrainingJsonContext.Default.CalibrationJobDocument, cancellationToken);
    }

    /// <summary>The calibration job and its ETag, or null when there is none.</summary>
    public Task<(CalibrationJobDocument Job, ETag ETag)?> ReadCalibrationAsync(string model, string jobId, CancellationToken cancellationToken) =>
        ReadDocumentAsync(CalibrationDocument(model, jobId), TrainingJsonContext.Default.CalibrationJobDocument, cancellationToken);

    /// <summary>Writes the calibration job if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another invocation changed it first.</summary>
    public Task<ETag?> TryWriteCalibrationAsync(CalibrationJobDocument job, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TryWriteDocumentAsync(CalibrationDocument(job.Model, job.Id), job, etag, TrainingJsonContext.Default.CalibrationJobDocument, cancellationToken);
    }

    private async Task<ETag> CreateDocumentAsync<T>(BlobClient blob, T document, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var upload = await blob.UploadAsync(Serialize(document, type), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        return upload.Value.ETag;
    }

    private static async Task<(T Document, ETag ETag)?> ReadDocumentAsync<T>(BlobClient blob, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var document = JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, type);
            return document is null ? null : (document, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static async Task<ETag?> TryWriteDocumentAsync<T>(BlobClient blob, T document, ETag etag, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            var upload = await blob.UploadAsync(Serialize(document, type), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken).ConfigureAwait(false);
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


    private static BinaryData Serialize<T>(T document, JsonTypeInfo<T> type) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(document, type));
}
