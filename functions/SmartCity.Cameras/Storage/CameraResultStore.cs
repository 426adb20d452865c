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
/// failure at any step without missing or doubled rows. Missing containers and the table are
/// created once, lazily (in Azure they exist from the Bicep; Azurite starts empty).
/// </summary>
public sealed class CameraResultStore
{
    private readonly BlobContainerClient _results;
    private readonly BlobContainerClient _rejected;
    private readonly TableClient _table;
    private readonly CameraFrameState _frames;
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
        _table = tables.GetTableClient(options.TableName);
        _frames = new CameraFrameState(_table);
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
    public async Task<CameraUploadIndex?> GetIndexAsync(string cameraId, string name, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(cameraId, CameraRowKeys.Index(name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? CameraTableRows.ReadIndex(row.Value!) : null;
    }

    /// <summary>Stores a classification (its rows, its document) in place of what <paramref name="previous"/> says is stored; returns the row keys.</summary>
    public async Task<IReadOnlyList<string>> SaveClassificationAsync(ClassifiedUpload classified, CameraUploadIndex? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classified);
        var rows = CameraTableRows.ClassificationRows(classified);
        var rowKeys = RowKeys(rows);
        var document = BinaryData.FromObjectAsJson(CameraClassificationDocument.From(classified, rowKeys), CameraJsonContext.Default.CameraClassificationDocument);
        await CommitAsync(classified.Upload, CameraImageClassifier.StatusClassified, rows, document, previous, cancellationToken).ConfigureAwait(false);
        return rowKeys;
    }

    /// <summary>Stores a rejection (its row, its record) in place of what <paramref name="previous"/> says is stored; returns the row key.</summary>
    public async Task<IReadOnlyList<string>> SaveRejectionAsync(RejectedUpload rejected, CameraUploadIndex? previous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        TableEntity[] rows = [CameraTableRows.RejectionRow(rejected)];
        var rowKeys = RowKeys(rows);
        var document = BinaryData.FromObjectAsJson(CameraRejectionDocument.From(rejected, rowKeys), CameraJsonContext.Default.CameraRejectionDocument);
        await CommitAsync(rejected.Upload, CameraImageClassifier.StatusRejected, rows, document, previous, cancellationToken).ConfigureAwait(false);
        return rowKeys;
    }

    /// <summary>Compares a frame with the camera's previous one (with <paramref name="detector"/>) and records it in the camera's frame state.</summary>
    public Task<StaleDecision> RecordFrameAsync(CameraUpload upload, CameraFrame frame, FrozenFeedDetector detector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(detector);
        return _frames.RecordAsync(upload, frame, detector, cancellationToken);
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

    /// <summary>
    /// 1. one transaction: the new rows and the index row (new keys, stale keys, not complete);
    /// 2. the document (overwrite), and the document of the other status removed when it may exist;
    /// 3. stale rows deleted; 4. the index marked complete. Every step is idempotent.
    /// </summary>
    private async Task CommitAsync(CameraUpload upload, string status, IReadOnlyList<TableEntity> rows, BinaryData document, CameraUploadIndex? previous, CancellationToken cancellationToken)
    {
        var rowKeys = RowKeys(rows);
        var stale = previous?.RowsReplacedBy(rowKeys) ?? [];
        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, CameraTableRows.IndexRow(upload, status, rowKeys, stale, complete: false)));
        await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);

        await WriteDocumentAsync(upload, status, document, previous, cancellationToken).ConfigureAwait(false);
        await DeleteRowsAsync(upload.CameraId, stale, cancellationToken).ConfigureAwait(false);
        var complete = CameraTableRows.IndexRow(upload, status, rowKeys, [], complete: true);
        await _table.UpsertEntityAsync(complete, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteDocumentAsync(CameraUpload upload, string status, BinaryData document, CameraUploadIndex? previous, CancellationToken cancellationToken)
    {
        var classified = status == CameraImageClassifier.StatusClassified;
        var (documents, otherDocuments) = classified ? (_results, _rejected) : (_rejected, _results);
        var name = DocumentName(upload.CameraId, upload.BlobName);
        await documents.GetBlobClient(name).UploadAsync(
            document,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.MayHaveDocumentOtherThan(status))
        {
            await otherDocuments.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteRowsAsync(string cameraId, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var rowKey in rowKeys)
        {
            try
            {
                await _table.DeleteEntityAsync(cameraId, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone (an earlier attempt deleted it).
            }
        }
    }

    private static string[] RowKeys(IEnumerable<TableEntity> rows) => [.. rows.Select(r => r.RowKey)];

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        await _results.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _rejected.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }
}
