using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace SmartCity.Cameras.Storage;

/// <summary>
/// The camera pipeline's storage on the <c>CameraStorage</c> account: a JSON document per upload
/// (<see cref="CameraPipelineOptions.ResultsContainer"/> or <see cref="CameraPipelineOptions.RejectedContainer"/>),
/// and in <see cref="CameraPipelineOptions.TableName"/> a row per upload and model, a per-blob
/// index row and each camera's frame state. Rows are made and read by <see cref="CameraTableRows"/>.
/// Writes are idempotent, so the host's retries and Event Grid's repeated deliveries repair a
/// failure at any step without missing or doubled rows, and they are put in order by the per-blob
/// index row (<see cref="CameraUploadCommitter"/>), so overlapping deliveries of a blob that is
/// overwritten leave the newest version's rows and document alone. Missing containers and the table are
/// created once, lazily (in Azure they exist from the Bicep; Azurite starts empty).
/// </summary>
public sealed class CameraResultStore
{
    private readonly BlobContainerClient _results;
    private readonly BlobContainerClient _rejected;
    private readonly BlobContainerClient _images;
    private readonly TableClient _table;
    private readonly CameraFrameState _frames;
    private readonly CameraUploadCommitter _committer;
    private readonly Lock _gate = new();
    private Task? _creating;

    /// <summary>The app's store, through dependency injection.</summary>
    public CameraResultStore(CameraStorageClients clients, IOptions<CameraPipelineOptions> options)
        : this((clients ?? throw new ArgumentNullException(nameof(clients))).Blobs, clients.Tables, (options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    public CameraResultStore(BlobServiceClient blobs, TableServiceClient tables, CameraPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _results = blobs.GetBlobContainerClient(options.ResultsContainer);
        _rejected = blobs.GetBlobContainerClient(options.RejectedContainer);
        _images = blobs.GetBlobContainerClient(options.ImagesContainer);
        _table = tables.GetTableClient(options.TableName);
        _frames = new CameraFrameState(_table);
        var documents = new CameraDocuments(_results, _rejected);
        _committer = new CameraUploadCommitter(_table, documents, upload => blobs.GetBlobContainerClient(options.ImagesContainer).GetBlobClient($"{upload.CameraId}/{upload.BlobName}"));
    }

    /// <summary>The pipeline settings the store was made with (container and table names among them).</summary>
    public CameraPipelineOptions Options { get; }

    /// <summary>The document name of an upload, in either container: <c>{cameraId}/{name}.json</c>.</summary>
    public static string DocumentName(string cameraId, string name) => $"{cameraId}/{name}.json";

    /// <summary>The explanations of an upload, beside its document: <c>{cameraId}/{name}.explain.json</c>.</summary>
    public static string ExplanationName(string cameraId, string name) => $"{cameraId}/{name}.explain.json";

    /// <summary>Writes (or replaces) the explanations of an upload in the results container.</summary>
    public async Task SaveExplanationAsync(CameraExplanationDocument explanation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var document = BinaryData.FromObjectAsJson(explanation, CameraJsonContext.Default.CameraExplanationDocument);
        await _results.GetBlobClient(ExplanationName(explanation.CameraId, explanation.BlobName)).UploadAsync(
            document,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the containers and the table if they are missing; once per process (retried after a failure).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_creating is null || _creating.IsFaulted || _creating.IsCanceled)
            {
                _creating = CreateAsync(cancellationToken);
            }

            return _creating;
        }
    }

    /// <summary>What is stored of the upload <c>{cameraId}/{name}</c>, or null when nothing is.</summary>
    public Task<CameraUploadIndex?> GetIndexAsync(string cameraId, string name, CancellationToken cancellationToken) =>
        _committer.ReadIndexAsync(cameraId, name, cancellationToken);

    /// <summary>
    /// Stores a classification (its rows, its document) in place of what is stored of the blob, unless a newer
    /// version or another delivery of this one stored it (see <see cref="CameraUploadCommitter"/>);
    /// <paramref name="known"/> is the index as last read, or null.
    /// </summary>
    public Task<CameraCommit> SaveClassificationAsync(ClassifiedUpload classified, CameraUploadIndex? known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classified);
        var rows = CameraTableRows.ClassificationRows(classified);
        var document = BinaryData.FromObjectAsJson(CameraClassificationDocument.From(classified, RowKeys(rows)), CameraJsonContext.Default.CameraClassificationDocument);
        return _committer.CommitAsync(classified.Upload, CameraImageClassifier.StatusClassified, rows, document, known, cancellationToken);
    }

    /// <summary>Stores a rejection (its row, its record) as <see cref="SaveClassificationAsync"/> stores a classification.</summary>
    public Task<CameraCommit> SaveRejectionAsync(RejectedUpload rejected, CameraUploadIndex? known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        TableEntity[] rows = [CameraTableRows.RejectionRow(rejected)];
        var document = BinaryData.FromObjectAsJson(CameraRejectionDocument.From(rejected, RowKeys(rows)), CameraJsonContext.Default.CameraRejectionDocument);
        return _committer.CommitAsync(rejected.Upload, CameraImageClassifier.StatusRejected, rows, document, known, cancellationToken);
    }

    /// <summary>Writes nothing for an upload that <paramref name="winner"/> (a newer version) supersedes, but removes what an older, unfinished delivery may have left.</summary>
    public Task<CameraCommit> SkipSupersededAsync(CameraUpload upload, CameraUploadIndex winner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(winner);
        return _committer.StoredByAnotherAsync(upload, winner, cancellationToken);
    }

    /// <summary>
    /// Compares a frame with the camera's previous one (with <paramref name="detector"/>) and records it in the camera's
    /// frame state; recorded frames captured after <paramref name="now"/> (beyond clock skew) are not trusted.
    /// </summary>
    public Task<StaleDecision> RecordFrameAsync(CameraUpload upload, CameraFrame frame, FrozenFeedDetector detector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(detector);
        return _frames.RecordAsync(upload, frame, detector, now, cancellationToken);
    }

    /// <summary>One page of up to <paramref name="top"/> result and rejection rows, newest first.</summary>
    public async Task<CameraClassificationRows> ListClassificationsAsync(CameraClassificationFilter filter, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var pages = _table.QueryAsync<TableEntity>(CameraTableRows.ListFilter(filter), top, cancellationToken: cancellationToken).AsPages(continuationToken, top);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new CameraClassificationRows([.. page.Values.Select(CameraTableRows.ReadClassification)], page.ContinuationToken);
        }

        return new CameraClassificationRows([], null);
    }

    /// <summary>
    /// The cameras with stored results: the top-level folders of the results and rejected containers
    /// (<c>{cameraId}/{name}.json</c>), in ordinal order, at most <paramref name="max"/> of them, and whether
    /// there were more. Read with a hierarchical listing (delimiter <c>/</c>), so the answer holds one
    /// entry per camera, not per document; the service still walks the names, so this costs more on a
    /// container of millions of documents than a camera's own queries do.
    /// </summary>
    public async Task<(IReadOnlyList<string> CameraIds, bool Truncated)> ListCameraIdsAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var container in new[] { _results, _rejected })
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsPrefix)
                {
                    ids.Add(item.Prefix.TrimEnd('/'));
                }
            }
        }

        return ([.. ids.Take(max)], ids.Count > max);
    }

    /// <summary>The summary columns of every result and rejection row of a camera captured in [from, to).</summary>
    public async IAsyncEnumerable<CameraSummaryRow> ReadSummaryRowsAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var rows = _table.QueryAsync<TableEntity>(CameraTableRows.RangeFilter(cameraId, from, to), 1000, CameraTableRows.SummaryColumns, cancellationToken);
        await foreach (var row in rows.ConfigureAwait(false))
        {
            yield return CameraTableRows.ReadSummaryRow(row);
        }
    }

    /// <summary>The upload <c>{cameraId}/{name}</c> in the images container.</summary>
    public BlobClient ImageBlob(string cameraId, string name) => _images.GetBlobClient($"{cameraId}/{name}");

    /// <summary>The cameras with uploads whose id starts with <paramref name="prefix"/> (every camera for an empty one), from the images container's folders.</summary>
    public async IAsyncEnumerable<string> ListCamerasAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await foreach (var item in _images.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix && item.Prefix.TrimEnd('/') is { Length: > 0 } camera && CameraBlobPath.Validate(_images.Name, _images.Name, null, camera, "x") is null)
            {
                yield return camera;
            }
        }
    }

    /// <summary>
    /// One page of up to <paramref name="top"/> result rows of <paramref name="model"/> of a camera captured in [from, to), newest first:
    /// each upload's name and the model version its stored result came from.
    /// </summary>
    public async Task<(IReadOnlyList<(string BlobName, string? Version)> Rows, string? ContinuationToken)> ListModelResultsAsync(
        string cameraId, DateTimeOffset from, DateTimeOffset to, string model, int top, string? continuationToken, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var filter = CameraTableRows.ListFilter(new CameraClassificationFilter(cameraId, from, to, Model: model));
        var pages = _table.QueryAsync<TableEntity>(filter, top, CameraTableRows.VersionColumns, cancellationToken).AsPages(continuationToken, top);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return ([.. page.Values.Select(CameraTableRows.ReadBlobVersion)], page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>The classification document of an upload, or null when there is none.</summary>
    public async Task<CameraClassificationDocument?> ReadClassificationDocumentAsync(string cameraId, string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _results.GetBlobClient(DocumentName(cameraId, name)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson(CameraJsonContext.Default.CameraClassificationDocument);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Stores a reclassification of the blob version <paramref name="known"/> names (complete) in place of its result:
    /// the rows are overwritten (same keys), the document replaced; false when anyone claimed the index since.
    /// </summary>
    public async Task<bool> SaveReclassificationAsync(ClassifiedUpload classified, CameraUploadIndex known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classified);
        ArgumentNullException.ThrowIfNull(known);
        var rows = CameraTableRows.ClassificationRows(classified);
        var document = BinaryData.FromObjectAsJson(CameraClassificationDocument.From(classified, RowKeys(rows)), CameraJsonContext.Default.CameraClassificationDocument);
        var commit = await _committer.CommitAsync(classified.Upload, CameraImageClassifier.StatusClassified, rows, document, known, cancellationToken, known.Generation).ConfigureAwait(false);
        return commit.Stored;
    }

    /// <summary>
    /// Replaces <paramref name="model"/>'s entry of an upload's explanations with <paramref name="explanation"/> (removes it when null),
    /// keeping the other models' entries; the document goes when no entry is left.
    /// </summary>
    public async Task ReplaceExplanationAsync(CameraUpload upload, string model, ModelExplanation? explanation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var blob = _results.GetBlobClient(ExplanationName(upload.CameraId, upload.BlobName));
        List<ModelExplanation> entries = [];
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            entries.AddRange(content.Value.Content.ToObjectFromJson(CameraJsonContext.Default.CameraExplanationDocument)?.Models.Where(m => m.Model != model) ?? []);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            if (explanation is null)
            {
                return;
            }
        }

        if (explanation is not null)
        {
            entries.Add(explanation);
        }

        if (entries.Count == 0)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        await SaveExplanationAsync(new CameraExplanationDocument(upload.CameraId, upload.BlobName, upload.SourceETag, entries), cancellationToken).ConfigureAwait(false);
    }

    private static string[] RowKeys(IEnumerable<TableEntity> rows) => [.. rows.Select(r => r.RowKey)];

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        await _results.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _rejected.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }
}
