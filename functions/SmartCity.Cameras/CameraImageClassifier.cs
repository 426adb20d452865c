using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Cameras.Storage;
using SmartCity.Cameras.Telemetry;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>
/// Classifies one camera upload with every configured model and hands the result to the
/// <see cref="CameraResultStore"/>, which stores it durably and idempotently.
/// <list type="bullet">
/// <item>The blob is downloaded once (properties come with the content), bounded by
/// <see cref="CameraPipelineOptions.MaxImageBytes"/>; the models' calls join the engine's
/// dynamic batcher, so concurrent invocations share ONNX Runtime runs.</item>
/// <item>Each configured model answers through the camera's calibrated model <c>{model}.cam-{cameraId}</c>
/// when the repository serves one (<see cref="CameraModelRouting"/>); the result is stored under the
/// base model with the model that answered, and rated <c>sure</c> or <c>unsure</c> (<see cref="CameraConfidence"/>).</item>
/// <item>Re-delivery of an ETag already processed writes nothing; a newer version of the blob
/// replaces the result, an older one (a delivery that overlapped a re-upload) writes nothing:
/// whatever the interleaving, the newest version's result alone stays (see the store).</item>
/// <item>An upload that is not a readable image (an <see cref="ImageProblemException"/>) is
/// rejected (record + row, no pixels) and the call returns normally; storage faults and a full
/// inference queue propagate so the host retries (and finally moves the message to
/// <c>webjobs-blobtrigger-poison</c>).</item>
/// </list>
/// </summary>
public sealed partial class CameraImageClassifier
{
    public const string MetadataCapturedAt = CaptureTimeReader.MetadataName;
    public const string StatusClassified = "classified";
    public const string StatusRejected = "rejected";

    private readonly InferenceEngine _engine;
    private readonly CameraResultStore _store;
    private readonly CameraPipelineOptions _options;
    private readonly FrozenFeedDetector _frozenFeeds;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public CameraImageClassifier(InferenceEngine engine, CameraResultStore store, ILogger<CameraImageClassifier>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        _engine = engine;
        _store = store;
        _options = store.Options;
        _frozenFeeds = new FrozenFeedDetector(_options.StaleDistanceThreshold);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public async Task<CameraUploadResult> ClassifyAsync(BlobClient blob, string cameraId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        try
        {
            var result = await ClassifyDeliveryAsync(blob, cameraId, name, cancellationToken).ConfigureAwait(false);
            CameraMetrics.Record(result);
            return result;
        }
        catch (Exception ex)
        {
            CameraMetrics.RecordFailed(ex);
            throw;
        }
    }

    private async Task<CameraUploadResult> ClassifyDeliveryAsync(BlobClient blob, string cameraId, string name, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await _store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var download = await DownloadAsync(blob, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            LogBlobMissing(_logger, cameraId, name);
            return new CameraUploadResult(CameraUploadOutcome.BlobMissing, cameraId, name, []);
        }

        var upload = CameraUpload.From(blob, cameraId, name, download.Details);
        var previous = await _store.GetIndexAsync(cameraId, name, cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.Supersedes(upload))
        {
            return Result(await _store.SkipSupersededAsync(upload, previous, cancellationToken).ConfigureAwait(false), upload, CameraUploadOutcome.Superseded, null);
        }

        if (previous is not null && previous.IsCompleteFor(upload.SourceETag))
        {
            return Result(new CameraCommit(false, previous, previous.RowKeys), upload, CameraUploadOutcome.Duplicate, null);
        }

        return await ClassifyNewAsync(download, upload, previous, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The blob's content and properties, or null when it no longer exists.</summary>
    private static async Task<BlobDownloadStreamingResult?> DownloadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Runs the models, reads the capture time, decides whether the feed is frozen, and stores the result or the rejection.</summary>
    private async Task<CameraUploadResult> ClassifyNewAsync(BlobDownloadStreamingResult download, CameraUpload upload, CameraUploadIndex? previous, long started, CancellationToken cancellationToken)
    {
        var routes = RouteModels(upload.CameraId, _options.ModelsFor(upload.CameraId, upload.BlobName));
        var (image, predictions, problem) = await ReadAndRunModelsAsync(download, upload, routes, cancellationToken).ConfigureAwait(false);
        var capturedAt = ReadCaptureTime(upload, image);
        var processingMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (problem is not null)
        {
            var rejected = new RejectedUpload(upload, capturedAt, problem.Code, problem.Message, _time.GetUtcNow());
            var rejection = await _store.SaveRejectionAsync(rejected, previous, cancellationToken).ConfigureAwait(false);
            return Result(rejection, upload, CameraUploadOutcome.Rejected, problem.Code);
        }

        await ExplainChosenAsync(upload, image!, predictions, cancellationToken).ConfigureAwait(false);
        var stale = await DetectFrozenFeedAsync(upload, capturedAt.Time, predictions, image!, cancellationToken).ConfigureAwait(false);
        var results = predictions.Select((p, i) => CameraModelResult.From(p, routes[i].Model, routes[i].Calibrated is not null, _options)).ToArray();
        var classified = new ClassifiedUpload(upload, capturedAt, results, stale, processingMs, _time.GetUtcNow());
        var commit = await _store.SaveClassificationAsync(classified, previous, cancellationToken).ConfigureAwait(false);
        if (commit.Stored)
        {
            LogClassified(_logger, upload.CameraId, upload.BlobName, commit.RowKeys.Count, processingMs);
            CameraMetrics.RecordResults(results);
        }

        var result = Result(commit, upload, CameraUploadOutcome.Classified, null);
        return result.Outcome == CameraUploadOutcome.Classified ? result with { Stale = stale.Stale } : result;
    }

    /// <summary>The outcome of a delivery: <paramref name="stored"/> when its result is what is stored, else a duplicate or superseded.</summary>
    private CameraUploadResult Result(CameraCommit commit, CameraUpload upload, CameraUploadOutcome stored, string? reason)
    {
        var (cameraId, name) = (upload.CameraId, upload.BlobName);
        if (commit.Stored)
        {
            if (stored == CameraUploadOutcome.Rejected)
            {
                LogRejected(_logger, cameraId, name, reason!);
            }

            return new CameraUploadResult(stored, cameraId, name, commit.RowKeys, reason);
        }

        if (commit.Winner is { } winner && !string.Equals(winner.SourceETag, upload.SourceETag, StringComparison.Ordinal))
        {
            LogSuperseded(_logger, cameraId, name, upload.SourceETag, winner.SourceETag);
            return new CameraUploadResult(CameraUploadOutcome.Superseded, cameraId, name, commit.RowKeys);
        }

        LogDuplicate(_logger, cameraId, name, upload.SourceETag);
        return new CameraUploadResult(CameraUploadOutcome.Duplicate, cameraId, name, commit.RowKeys);
    }

    /// <summary>The image (null when over the byte limit), the models' predictions, or the image problem that stopped them.</summary>
    private async Task<(byte[]? Image, Prediction[] Predictions, ImageProblemException? Problem)> ReadAndRunModelsAsync(BlobDownloadStreamingResult download, CameraUpload upload, IReadOnlyList<ModelRoute> routes, CancellationToken cancellationToken)
    {
        if (upload.ContentLength > _options.MaxImageBytes)
        {
            return (null, [], new UploadTooLargeException(upload.ContentLength, _options.MaxImageBytes));
        }

        var image = new byte[upload.ContentLength];
        await download.Content.ReadExactlyAsync(image, cancellationToken).ConfigureAwait(false);
        try
        {
            return (image, await RunModelsAsync(image, routes, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ImageProblemException ex)
        {
            return (image, [], ex);
        }
    }

    /// <summary>
    /// Each configured model, with the camera's calibrated version of it when the repository serves one
    /// now (<see cref="CameraModelRouting"/>): read once per upload, so a refresh mid-way cannot mix them.
    /// </summary>
    private List<ModelRoute> RouteModels(string cameraId, IReadOnlyList<string> models)
    {
        var routes = new List<ModelRoute>(models.Count);
        foreach (var model in models)
        {
            var calibrated = CameraModelRouting.CalibratedVersion(_engine.Repository, model, cameraId);
            if (calibrated is not null)
            {
                LogCalibrated(_logger, cameraId, model, calibrated.Name, calibrated.Version);
            }

            routes.Add(new ModelRoute(model, calibrated));
        }

        return routes;
    }

    private async Task<Prediction[]> RunModelsAsync(byte[] image, IReadOnlyList<ModelRoute> routes, CancellationToken cancellationToken)
    {
        if (image.Length == 0)
        {
            throw new EmptyImageException();
        }

        var tasks = routes
            .Select(route => route.Calibrated is { } version
                ? _engine.PredictAsync(version, image, _options.TopLabels, 0f, QueueAdmission.WaitForCapacity, cancellationToken)
                : _engine.PredictAsync(route.Model, null, image, _options.TopLabels, 0f, QueueAdmission.WaitForCapacity, cancellationToken))
            .ToArray();
        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (InferenceException) when (tasks.Any(t => t.Exception?.InnerException is ImageProblemException))
        {
            // One model's image problem is the upload's problem, even when another model failed first.
            throw tasks.Select(t => t.Exception?.InnerException).OfType<ImageProblemException>().First();
        }
    }

    /// <summary>
    /// Explains the results the settings choose (a low top probability, or a listed label) and
    /// stores them beside the result, before the result itself, so a retry after a fault redoes both.
    /// </summary>
    private async Task ExplainChosenAsync(CameraUpload upload, byte[] image, Prediction[] predictions, CancellationToken cancellationToken)
    {
        var explained = new List<ModelExplanation>();
        foreach (var prediction in predictions)
        {
            // Occlusion maps explain a classifier's scores; a detector's boxes already say where.
            if (prediction.Model.Task == ModelTask.ObjectDetection || prediction.Predictions.Count == 0 || _options.ExplainReason(prediction.Predictions[0].Label, prediction.Predictions[0].Probability) is not { } reason)
            {
                continue;
            }

            var explanation = await _engine.ExplainAsync(prediction.Model, image, null, _options.TopLabels, 0f, cancellationToken).ConfigureAwait(false);
            explained.Add(ModelExplanation.From(explanation, reason));
        }

        if (explained.Count > 0)
        {
            await _store.SaveExplanationAsync(new CameraExplanationDocument(upload.CameraId, upload.BlobName, upload.SourceETag, explained), cancellationToken).ConfigureAwait(false);
            LogExplained(_logger, upload.CameraId, upload.BlobName, explained.Count);
        }
    }

    /// <summary>Metadata <c>capturedAt</c>, else EXIF <c>DateTimeOriginal</c>, else the upload time; none after the upload (see <see cref="CaptureTimeReader"/>).</summary>
    private CaptureTime ReadCaptureTime(CameraUpload upload, byte[]? image)
    {
        var capturedAt = CaptureTimeReader.Read(upload.Metadata, image, upload.LastModified);
        if (capturedAt.Note is { } note)
        {
            LogUntrustedCaptureTime(_logger, upload.CameraId, upload.BlobName, note, capturedAt.Source);
        }
        else if (capturedAt.Source != CaptureTime.FromMetadata && !string.IsNullOrWhiteSpace(CaptureTimeReader.MetadataValue(upload.Metadata)))
        {
            LogBadCapturedAt(_logger, upload.CameraId, upload.BlobName);
        }

        return capturedAt;
    }

    /// <summary>
    /// Frozen feed: a frame model (one that gives an embedding, e.g. traffic-scene) compares the
    /// upload with the camera's previous frame. Crop cameras (vehicle-type) send a different
    /// vehicle each time, hundreds a second, so they are not checked and keep no state.
    /// </summary>
    private Task<StaleDecision> DetectFrozenFeedAsync(CameraUpload upload, DateTimeOffset capturedAt, Prediction[] predictions, byte[] image, CancellationToken cancellationToken)
    {
        var embedding = predictions.Select(p => p.Embedding).FirstOrDefault(e => e is not null);
        return embedding is null
            ? Task.FromResult(new StaleDecision(false, null, null, capturedAt))
            : _store.RecordFrameAsync(upload, new CameraFrame(FrozenFeedDetector.Hash(image), embedding, capturedAt), _frozenFeeds, _time.GetUtcNow(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {CameraId}: {Model} answered by its calibrated model {CalibratedModel} version {Version}")]
    private static partial void LogCalibrated(ILogger logger, string cameraId, string model, string calibratedModel, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classified {CameraId}/{BlobName}: {Rows} model results in {Milliseconds:F0} ms")]
    private static partial void LogClassified(ILogger logger, string cameraId, string blobName, int rows, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Explained {CameraId}/{BlobName} with {Models} model(s)")]
    private static partial void LogExplained(ILogger logger, string cameraId, string blobName, int models);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected {CameraId}/{BlobName}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string cameraId, string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {CameraId}/{BlobName}: ETag {ETag} was already processed")]
    private static partial void LogDuplicate(ILogger logger, string cameraId, string blobName, string etag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {CameraId}/{BlobName}: ETag {ETag} was replaced by the newer version {NewerETag}")]
    private static partial void LogSuperseded(ILogger logger, string cameraId, string blobName, string etag, string newerETag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {CameraId}/{BlobName}: the blob no longer exists")]
    private static partial void LogBlobMissing(ILogger logger, string cameraId, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metadata capturedAt of {CameraId}/{BlobName} is not an ISO 8601 time from 1601 on; using EXIF or the upload time")]
    private static partial void LogBadCapturedAt(ILogger logger, string cameraId, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capture time of {CameraId}/{BlobName} not trusted: {Note}; using the {Source} time")]
    private static partial void LogUntrustedCaptureTime(ILogger logger, string cameraId, string blobName, string note, string source);

    /// <summary>A configured model and, when the camera has one, the calibrated version that answers for it.</summary>
    private sealed record ModelRoute(string Model, ModelVersion? Calibrated);
}
