using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Cameras.Storage;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Cameras;

/// <summary>
/// Reclassifies a stored upload with one model at a given version, through the pipeline's own
/// store: the blob version the result was made of is downloaded again, that model runs at the
/// target version, and its answer replaces the model's entry of the stored result; the other
/// models' answers, the capture time and the frozen-feed decision are kept as stored (the camera's
/// frame state is history's, not this run's). The rows keep their keys (so they are overwritten,
/// never doubled, and summaries read the new labels), the document is replaced with the next
/// generation, and the model's explanation is redone or removed as the settings choose. A result
/// already from the target version is left alone, so a repeated run writes nothing. A claim of the
/// blob's index by anyone else meanwhile (a re-upload, another reclassification) wins: the upload
/// is then read again and decided again.
/// </summary>
public sealed partial class CameraReclassifier
{
    private const int Attempts = 3;

    private readonly InferenceEngine _engine;
    private readonly CameraResultStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public CameraReclassifier(InferenceEngine engine, CameraResultStore store, ILogger<CameraReclassifier>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        _engine = engine;
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Reclassifies <c>{cameraId}/{name}</c> with <paramref name="model"/> (a served version). Storage faults and a full
    /// inference queue propagate (the caller retries); everything about this one upload is an outcome.
    /// </summary>
    public async Task<CameraReclassification> ReclassifyAsync(string cameraId, string name, ModelVersion model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cameraId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(model);
        await _store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var result = await TryOnceAsync(cameraId, name, model, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }

            if (attempt == Attempts)
            {
                return Failed(cameraId, name, null, "its stored result kept changing while it was reclassified (re-uploads or another reclassification); run again");
            }
        }
    }

    /// <summary>The outcome, or null when another writer claimed the upload between the read and the commit.</summary>
    private async Task<CameraReclassification?> TryOnceAsync(string cameraId, string name, ModelVersion model, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var index = await _store.GetIndexAsync(cameraId, name, cancellationToken).ConfigureAwait(false);
        if (index is null)
        {
            return Failed(cameraId, name, null, "nothing is stored of it");
        }

        if (index.Status != CameraImageClassifier.StatusClassified)
        {
            return Failed(cameraId, name, null, $"its stored result is '{index.Status}', not a classification");
        }

        if (!index.Complete)
        {
            return Failed(cameraId, name, null, "its result is being written by the pipeline (a re-upload); run again once it is done");
        }

        var document = await _store.ReadClassificationDocumentAsync(cameraId, name, cancellationToken).ConfigureAwait(false);
        if (document is null || document.SourceETag != index.SourceETag)
        {
            return null;
        }

        var position = IndexOf(document.Models, model.Name);
        if (position < 0)
        {
            return Failed(cameraId, name, null, $"its stored result has no answer of '{model.Name}'");
        }

        var previous = document.Models[position].Version;
        // A camera's calibrated model ({model}.cam-{camera}) has versions of its own: only an answer of
        // this very model at this version is already done.
        if (previous == model.Version && (document.Models[position].ServedBy ?? model.Name) == model.Name)
        {
            return new CameraReclassification(ReclassifyOutcome.AlreadyAtVersion, cameraId, name, previous);
        }

        using var download = await DownloadAsync(_store.ImageBlob(cameraId, name), cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return Failed(cameraId, name, previous, "the blob no longer exists");
        }

        if (download.Details.ETag.ToString() != index.SourceETag)
        {
            return Failed(cameraId, name, previous, "the blob was uploaded again since its result was stored; the pipeline classifies the new version");
        }

        if (download.Details.ContentLength > _store.Options.MaxImageBytes)
        {
            return Failed(cameraId, name, previous, $"it is over Camera:MaxImageBytes ({_store.Options.MaxImageBytes} bytes)");
        }

        var image = new byte[download.Details.ContentLength];
        await download.Content.ReadExactlyAsync(image, cancellationToken).ConfigureAwait(false);
        Prediction prediction;
        try
        {
            prediction = await _engine.PredictAsync(model, image, _store.Options.TopLabels, 0f, QueueAdmission.WaitForCapacity, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageProblemException ex)
        {
            return Failed(cameraId, name, previous, $"{model.Id} cannot read the image: {ex.Message}");
        }
        catch (Exception ex) when (ex is ModelNotFoundException or ModelUnavailableException or ModelLoadException or InvalidTensorException or NonFiniteOutputException)
        {
            return Failed(cameraId, name, previous, $"{model.Id} failed: {ex.Message}");
        }

        var upload = CameraUpload.From(_store.ImageBlob(cameraId, name), cameraId, name, download.Details);
        var classified = Replace(document, upload, position, CameraModelResult.From(prediction, _store.Options), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!await _store.SaveReclassificationAsync(classified, index, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await ExplainAsync(upload, image, prediction, cancellationToken).ConfigureAwait(false);
        LogReclassified(_logger, cameraId, name, model.Name, previous, model.Version);
        return new CameraReclassification(ReclassifyOutcome.Reclassified, cameraId, name, previous);
    }

    /// <summary>The stored result with the model at <paramref name="position"/> answered anew, all else as stored.</summary>
    private ClassifiedUpload Replace(CameraClassificationDocument document, CameraUpload upload, int position, CameraModelResult fresh, double processingMs)
    {
        var models = document.Models.Select((m, i) => i == position ? fresh : new CameraModelResult(m, document.Width, document.Height)).ToList();
        var capturedAt = new CaptureTime(document.CapturedAt, document.CaptureTimeSource, document.CaptureTimeNote);
        var stale = new StaleDecision(document.Stale, document.StaleReason, document.StaleDistance, document.PictureFirstSeenAt);
        return new ClassifiedUpload(upload, capturedAt, models, stale, processingMs, _time.GetUtcNow());
    }

    /// <summary>Redoes the model's explanation when the settings choose its new answer; removes its old one otherwise.</summary>
    private async Task ExplainAsync(CameraUpload upload, byte[] image, Prediction prediction, CancellationToken cancellationToken)
    {
        ModelExplanation? explained = null;
        if (prediction.Model.Task != ModelTask.ObjectDetection && prediction.Predictions.Count > 0
            && _store.Options.ExplainReason(prediction.Predictions[0].Label, prediction.Predictions[0].Probability) is { } reason)
        {
            var explanation = await _engine.ExplainAsync(prediction.Model, image, null, _store.Options.TopLabels, 0f, cancellationToken).ConfigureAwait(false);
            explained = ModelExplanation.From(explanation, reason);
        }

        await _store.ReplaceExplanationAsync(upload, prediction.Model.Name, explained, cancellationToken).ConfigureAwait(false);
    }

    private static int IndexOf(IReadOnlyList<ModelClassification> models, string model)
    {
        for (var i = 0; i < models.Count; i++)
        {
            if (models[i].Model == model)
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task<BlobDownloadStreamingResult?> DownloadAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken)
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

    private CameraReclassification Failed(string cameraId, string name, string? previous, string reason)
    {
        LogFailed(_logger, cameraId, name, reason);
        return new CameraReclassification(ReclassifyOutcome.Failed, cameraId, name, previous, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclassified {CameraId}/{BlobName} with {Model}: version {Previous} -> {Version}")]
    private static partial void LogReclassified(ILogger logger, string cameraId, string blobName, string model, string previous, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reclassify {CameraId}/{BlobName}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string cameraId, string blobName, string reason);
}
