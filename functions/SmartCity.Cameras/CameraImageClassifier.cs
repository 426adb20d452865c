using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Inference;
using SmartCity.Inference.Runtime;

using SmartCity.Cameras.Storage;

namespace SmartCity.Cameras;

/// <summary>
/// Classifies one camera upload with every configured model and stores the result durably and
/// idempotently: a JSON document per upload, and a table row per upload and model.
/// <list type="bullet">
/// <item>The blob is downloaded once (properties come with the content), bounded by
/// <see cref="CameraPipelineOptions.MaxImageBytes"/>; the models' calls join the engine's
/// dynamic batcher, so concurrent invocations share ONNX Runtime runs.</item>
/// <item>Re-delivery of an ETag already processed writes nothing; a new ETag replaces the
/// result. Rows and the per-blob index row are written in one table transaction, the document
/// after, and the index is marked complete last, so a failure at any step is repaired by the
/// host's retry without missing or doubled rows.</item>
/// <item>An upload that is not a readable image is rejected (record + row, no pixels) and the
/// call returns normally; storage faults and a full inference queue propagate so the host
/// retries (and finally moves the message to <c>webjobs-blobtrigger-poison</c>).</item>
/// </list>
/// </summary>
public sealed partial class CameraImageClassifier
{
    public const string MetadataCapturedAt = CaptureTimeReader.MetadataName;
    public const string StatusClassified = "classified";
    public const string StatusRejected = "rejected";

    private readonly InferenceEngine _engine;
    private readonly CameraResultStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CameraFrameState _frames;

    public CameraImageClassifier(InferenceEngine engine, CameraResultStore store, ILogger<CameraImageClassifier>? logger = null, TimeProvider? time = null)
    {
        _engine = engine;
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _frames = new CameraFrameState(store.Table, new FrozenFeedDetector(store.Options.StaleDistanceThreshold));
    }

    private CameraPipelineOptions Options => _store.Options;

    public async Task<CameraUploadResult> ClassifyAsync(BlobClient blob, string cameraId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var started = Stopwatch.GetTimestamp();
        await _store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        BlobDownloadStreamingResult download;
        try
        {
            download = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            LogBlobMissing(_logger, cameraId, name);
            return new CameraUploadResult(CameraUploadOutcome.BlobMissing, cameraId, name, []);
        }

        using (download)
        {
            var details = download.Details;
            var source = new Source(cameraId, name, StripQuery(blob.Uri), details.ETag.ToString(), details.ContentLength, details.LastModified, details.Metadata);
            var indexKey = CameraRowKeys.Index(name);
            var index = await GetIndexAsync(cameraId, indexKey, cancellationToken).ConfigureAwait(false);
            if (index is { Complete: true } && index.SourceETag == source.ETag)
            {
                LogDuplicate(_logger, cameraId, name, source.ETag);
                return new CameraUploadResult(CameraUploadOutcome.Duplicate, cameraId, name, index.RowKeys);
            }

            byte[]? image = null;
            Classification? classification = null;
            ImageProblemException? rejection = null;
            if (source.ContentLength > Options.MaxImageBytes)
            {
                rejection = new UploadTooLargeException(source.ContentLength, Options.MaxImageBytes);
            }
            else
            {
                image = new byte[source.ContentLength];
                await download.Content.ReadExactlyAsync(image, cancellationToken).ConfigureAwait(false);
                try
                {
                    classification = await RunModelsAsync(image, Options.ModelsFor(cameraId, name), cancellationToken).ConfigureAwait(false);
                }
                catch (ImageProblemException ex)
                {
                    rejection = ex;
                }
            }

            var (capturedAt, timeSource) = CaptureTime(source, image);
            var processingMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return rejection is null
                ? await StoreClassificationAsync(source, index, indexKey, capturedAt, timeSource, classification!, image!, processingMs, cancellationToken).ConfigureAwait(false)
                : await StoreRejectionAsync(source, index, indexKey, capturedAt, timeSource, rejection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The labelled heads after the primary one (e.g. traffic-scene's lighting), or null.</summary>
    private static Dictionary<string, IReadOnlyList<LabelScore>>? OtherHeads(Prediction prediction)
    {
        var heads = prediction.Heads.Skip(1).Where(h => h.Predictions.Count > 0).ToList();
        return heads.Count == 0
            ? null
            : heads.ToDictionary(h => h.Name, h => (IReadOnlyList<LabelScore>)[.. h.Predictions.Select(l => new LabelScore(l.Label, l.Probability))], StringComparer.Ordinal);
    }

    private async Task<Classification> RunModelsAsync(byte[] image, IReadOnlyList<string> models, CancellationToken cancellationToken)
    {
        if (image.Length == 0)
        {
            throw new EmptyImageException();
        }

        var tasks = models
            .Select(model => _engine.PredictAsync(model, null, image, Options.TopLabels, 0f, cancellationToken))
            .ToArray();
        try
        {
            var predictions = await Task.WhenAll(tasks).ConfigureAwait(false);
            return new Classification(predictions);
        }
        catch (InferenceException) when (tasks.Any(t => t.Exception?.InnerException is ImageProblemException))
        {
            // One model's image problem is the upload's problem, even when another model failed first.
            throw tasks.Select(t => t.Exception?.InnerException).OfType<ImageProblemException>().First();
        }
    }

    private async Task<CameraUploadResult> StoreClassificationAsync(Source source, IndexRow? index, string indexKey, DateTimeOffset capturedAt, string timeSource, Classification classification, byte[] image, double processingMs, CancellationToken cancellationToken)
    {
        // Frozen feed: a frame model (one that gives an embedding, e.g. traffic-scene) compares the
        // upload with the camera's previous frame. Crop cameras (vehicle-type) send a different
        // vehicle each time, hundreds a second, so they are not checked and keep no state.
        var embedding = classification.Predictions.Select(p => p.Embedding).FirstOrDefault(e => e is not null);
        var stale = embedding is null
            ? new StaleDecision(false, null, null, capturedAt)
            : await _frames.RecordAsync(source.CameraId, source.Name, source.ETag, FrozenFeedDetector.Hash(image), embedding, capturedAt, cancellationToken).ConfigureAwait(false);
        var rows = new List<TableEntity>();
        foreach (var prediction in classification.Predictions)
        {
            var labels = prediction.Predictions.Select(p => new LabelScore(p.Label, p.Probability)).ToArray();
            var row = NewRow(source, CameraRowKeys.Result(capturedAt, source.Name, prediction.Model.Name), StatusClassified, capturedAt, timeSource);
            row["Model"] = prediction.Model.Name;
            row["ModelVersion"] = prediction.Model.Version;
            row["TopLabel"] = labels.Length > 0 ? labels[0].Label : null;
            row["TopProbability"] = labels.Length > 0 ? (double)labels[0].Probability : null;
            row["Predictions"] = JsonSerializer.Serialize(labels, CameraJsonContext.Default.LabelScoreArray);
            row["Width"] = prediction.Width;
            row["Height"] = prediction.Height;
            row["ProcessingMs"] = processingMs;
            row["Stale"] = stale.Stale;
            row["PictureFirstSeenAt"] = stale.PictureFirstSeenAt.ToUniversalTime();
            var otherHeads = OtherHeads(prediction);
            if (otherHeads is not null)
            {
                row["OtherHeadLabels"] = JsonSerializer.Serialize(otherHeads.ToDictionary(h => h.Key, h => h.Value[0].Label), CameraJsonContext.Default.DictionaryStringString);
            }

            rows.Add(row);
        }

        var rowKeys = rows.Select(r => r.RowKey).ToArray();
        var first = classification.Predictions[0];
        var document = new CameraClassificationDocument(
            source.CameraId,
            source.Name,
            source.Uri,
            source.ETag,
            capturedAt,
            timeSource,
            first.Width,
            first.Height,
            [.. classification.Predictions.Select(p => new ModelClassification(p.Model.Name, p.Model.Version, [.. p.Predictions.Select(l => new LabelScore(l.Label, l.Probability))], OtherHeads(p)))],
            Math.Round(processingMs, 2),
            _time.GetUtcNow(),
            rowKeys,
            stale.Stale,
            stale.PictureFirstSeenAt,
            stale.Reason,
            stale.Distance is { } d ? Math.Round(d, 6) : null);
        var json = BinaryData.FromObjectAsJson(document, CameraJsonContext.Default.CameraClassificationDocument);
        await CommitAsync(source, index, indexKey, StatusClassified, rows, _store.Results, json, _store.Rejected, cancellationToken).ConfigureAwait(false);
        LogClassified(_logger, source.CameraId, source.Name, rows.Count, processingMs);
        return new CameraUploadResult(CameraUploadOutcome.Classified, source.CameraId, source.Name, rowKeys);
    }

    private async Task<CameraUploadResult> StoreRejectionAsync(Source source, IndexRow? index, string indexKey, DateTimeOffset capturedAt, string timeSource, ImageProblemException rejection, CancellationToken cancellationToken)
    {
        var row = NewRow(source, CameraRowKeys.Rejected(capturedAt, source.Name), StatusRejected, capturedAt, timeSource);
        row["Reason"] = rejection.Code;
        row["Message"] = rejection.Message;
        var document = new CameraRejectionDocument(source.CameraId, source.Name, source.Uri, source.ETag, source.ContentLength, rejection.Code, rejection.Message, capturedAt, timeSource, _time.GetUtcNow(), [row.RowKey]);
        var json = BinaryData.FromObjectAsJson(document, CameraJsonContext.Default.CameraRejectionDocument);
        await CommitAsync(source, index, indexKey, StatusRejected, [row], _store.Rejected, json, _store.Results, cancellationToken).ConfigureAwait(false);
        LogRejected(_logger, source.CameraId, source.Name, rejection.Code);
        return new CameraUploadResult(CameraUploadOutcome.Rejected, source.CameraId, source.Name, [row.RowKey], rejection.Code);
    }

    /// <summary>
    /// 1. one transaction: the new rows and the index row (new keys, stale keys, not complete);
    /// 2. the document (overwrite), and the document of the other status removed when it may exist;
    /// 3. stale rows deleted; 4. the index marked complete. Every step is idempotent.
    /// </summary>
    private async Task CommitAsync(Source source, IndexRow? index, string indexKey, string status, IReadOnlyList<TableEntity> rows, Azure.Storage.Blobs.BlobContainerClient documents, BinaryData document, Azure.Storage.Blobs.BlobContainerClient otherDocuments, CancellationToken cancellationToken)
    {
        var rowKeys = rows.Select(r => r.RowKey).ToArray();
        var stale = (index?.RowKeys ?? []).Concat(index?.StaleRowKeys ?? []).Except(rowKeys, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToArray();
        var indexRow = IndexRow.ToEntity(source, indexKey, status, rowKeys, stale, complete: false);
        var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)).ToList();
        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, indexRow));
        await _store.Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);

        var documentName = CameraResultStore.DocumentName(source.CameraId, source.Name);
        await documents.GetBlobClient(documentName).UploadAsync(
            document,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
        if (index is not null && (index.Status != status || !index.Complete))
        {
            await otherDocuments.GetBlobClient(documentName).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in stale)
        {
            try
            {
                await _store.Table.DeleteEntityAsync(source.CameraId, key, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone (an earlier attempt deleted it).
            }
        }

        await _store.Table.UpsertEntityAsync(IndexRow.ToEntity(source, indexKey, status, rowKeys, [], complete: true), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private static TableEntity NewRow(Source source, string rowKey, string status, DateTimeOffset capturedAt, string timeSource) => new(source.CameraId, rowKey)
    {
        ["Status"] = status,
        ["BlobName"] = source.Name,
        ["SourceUri"] = source.Uri,
        ["SourceETag"] = source.ETag,
        ["CapturedAt"] = capturedAt.ToUniversalTime(),
        ["CaptureTimeSource"] = timeSource,
    };

    private async Task<IndexRow?> GetIndexAsync(string cameraId, string indexKey, CancellationToken cancellationToken)
    {
        var response = await _store.Table.GetEntityIfExistsAsync<TableEntity>(cameraId, indexKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? IndexRow.From(response.Value!) : null;
    }

    /// <summary>Metadata <c>capturedAt</c>, else EXIF <c>DateTimeOriginal</c>, else the upload time (see <see cref="CaptureTimeReader"/>).</summary>
    private (DateTimeOffset Time, string Source) CaptureTime(Source source, byte[]? image)
    {
        var capture = CaptureTimeReader.Read(source.Metadata, image, source.LastModified);
        if (capture.Source != Cameras.CaptureTime.FromMetadata && !string.IsNullOrWhiteSpace(CaptureTimeReader.MetadataValue(source.Metadata)))
        {
            LogBadCapturedAt(_logger, source.CameraId, source.Name);
        }

        return (capture.Time, capture.Source);
    }

    private static string StripQuery(Uri uri) => new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty }.Uri.AbsoluteUri;

    private sealed record Source(string CameraId, string Name, string Uri, string ETag, long ContentLength, DateTimeOffset LastModified, IDictionary<string, string> Metadata);

    private sealed record Classification(Prediction[] Predictions);

    private sealed record IndexRow(string SourceETag, string Status, string[] RowKeys, string[] StaleRowKeys, bool Complete)
    {
        public static IndexRow From(TableEntity entity) => new(
            entity.GetString("SourceETag") ?? string.Empty,
            entity.GetString("Status") ?? string.Empty,
            Split(entity.GetString("RowKeys")),
            Split(entity.GetString("StaleRowKeys")),
            entity.GetBoolean("Complete") ?? false);

        public static TableEntity ToEntity(Source source, string indexKey, string status, string[] rowKeys, string[] stale, bool complete) => new(source.CameraId, indexKey)
        {
            ["BlobName"] = source.Name,
            ["SourceETag"] = source.ETag,
            ["Status"] = status,
            ["RowKeys"] = string.Join('|', rowKeys),
            ["StaleRowKeys"] = string.Join('|', stale),
            ["Complete"] = complete,
        };

        private static string[] Split(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split('|');
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Classified {CameraId}/{BlobName}: {Rows} model results in {Milliseconds:F0} ms")]
    private static partial void LogClassified(ILogger logger, string cameraId, string blobName, int rows, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {CameraId}/{BlobName}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string cameraId, string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {CameraId}/{BlobName}: ETag {ETag} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string cameraId, string blobName, string etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {CameraId}/{BlobName}: the blob no longer exists")]
    private static partial void LogBlobMissing(ILogger logger, string cameraId, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metadata capturedAt of {CameraId}/{BlobName} is not an ISO 8601 time from 1601 on; using EXIF or the upload time")]
    private static partial void LogBadCapturedAt(ILogger logger, string cameraId, string blobName);
}

