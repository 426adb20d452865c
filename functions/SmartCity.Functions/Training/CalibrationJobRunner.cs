using System.Globalization;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using SmartCity.Functions.Models;
using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;
using SmartCity.Training.Scenes;

namespace SmartCity.Functions.Training;

/// <summary>
/// Runs a calibration job in one queue message: marks it running (with its ETag), reads its
/// frames from the data container (a frame that is not an image is left out and listed), calibrates
/// the base version with <see cref="SceneCalibration"/>, publishes the result as the default version
/// of <c>{model}.cam-{cameraId}</c> with the job id as publish id, and commits the outcome with the
/// ETag. A message for a finished job changes nothing; a redelivery after the publish but before the
/// commit finds the publish's claim and publishes no second version; of two concurrent deliveries
/// only one commits. Bad data fails the job with reasons; other errors are retried, and the fifth
/// try fails the job.
/// </summary>
public sealed partial class CalibrationJobRunner(
    InferenceEngine engine,
    ModelRepositorySynchronizer synchronizer,
    ModelPublisher publisher,
    TrainingJobStore jobs,
    TrainingDataReader data,
    ILogger<CalibrationJobRunner> logger)
{
    private const int ParallelDownloads = 4;

    /// <summary>True when <paramref name="text"/> is a calibration job's message.</summary>
    public static bool TryParse(string text, out TrainingJobMessage message)
    {
        try
        {
            message = JsonSerializer.Deserialize(text, TrainingJsonContext.Default.TrainingJobMessage)!;
            return message is { Kind: TrainingJobMessage.CalibrationKind, Model.Length: > 0, JobId.Length: > 0 } && ModelBlobLayout.IsModelName(message.Model) && ModelBlobLayout.IsVersionName(message.JobId);
        }
        catch (JsonException)
        {
            message = null!;
            return false;
        }
    }

    public async Task RunAsync(TrainingJobMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await jobs.ReadCalibrationAsync(message.Model, message.JobId, cancellationToken) is not var (job, etag))
        {
            LogNoJob(logger, message.Model, message.JobId);
            return;
        }

        if (job.State is TrainingJobState.Succeeded or TrainingJobState.Failed)
        {
            return;
        }

        job.State = TrainingJobState.Running;
        job.StartedAt ??= DateTimeOffset.UtcNow;
        job.UpdatedAt = DateTimeOffset.UtcNow;
        if (await jobs.TryWriteCalibrationAsync(job, etag, cancellationToken) is not { } running)
        {
            LogRaced(logger, job.Model, job.Id);
            return;
        }

        try
        {
            await CalibrateAsync(job, cancellationToken);
        }
        catch (TrainingJobFailedException failure)
        {
            Fail(job, failure.Reasons);
        }
        catch (Exception ex) when (dequeueCount >= TrainingOptions.MaxDequeueCount && ex is not OperationCanceledException)
        {
            LogGaveUp(logger, ex, job.Model, job.Id);
            Fail(job, [string.Create(CultureInfo.InvariantCulture, $"The calibration failed {dequeueCount} times; the last time: {ex.Message}")]);
        }

        job.UpdatedAt = DateTimeOffset.UtcNow;
        if (await jobs.TryWriteCalibrationAsync(job, running, cancellationToken) is null)
        {
            LogRaced(logger, job.Model, job.Id);
            return;
        }

        LogFinished(logger, job.Model, job.Id, job.CameraId, job.State, job.PublishedVersion);
        TrainingJobMetrics.Finished(job);
    }

    private async Task CalibrateAsync(CalibrationJobDocument job, CancellationToken cancellationToken)
    {
        await synchronizer.RefreshAsync(cancellationToken);
        ModelVersion baseModel;
        try
        {
            baseModel = engine.Repository.Get(job.Model, job.BaseVersion);
        }
        catch (InferenceException ex)
        {
            throw new TrainingJobFailedException([$"The base version {job.Model}/{job.BaseVersion} is not served any more: {ex.Message}"]);
        }

        var frames = await ReadFramesAsync(job, baseModel, cancellationToken);
        if (frames.Count == 0)
        {
            throw new TrainingJobFailedException([$"None of the {job.Frames.Count} frames can be read as an image."]);
        }

        SceneCalibrationResult result;
        try
        {
            result = await SceneCalibration.CalibrateAsync(engine, baseModel, job.CameraId, frames, leaveOneOut: true, cancellationToken);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new TrainingJobFailedException([ex.Message]);
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"calibration of camera {job.CameraId} from {frames.Count} frames over {baseModel.Id}");
        var published = await publisher.PublishAsync(job.CameraModel, result.Files, new PublishRequest(job.Id, $"calibration job {job.Id} for {job.RequestedBy}", Promote: true, reason), cancellationToken);
        job.FramesRead = frames.Count;
        job.LeaveOneOutCongestion = result.LeaveOneOutCongestion is { } loo ? Math.Round(loo, 4) : null;
        job.PublishedVersion = published.Version;
        job.PublishedIsDefault = published.IsDefault;
        job.State = TrainingJobState.Succeeded;
        job.FinishedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The job's frames that decode as images (as the base version preprocesses them); the others are listed on the job.</summary>
    private async Task<List<CalibrationFrame>> ReadFramesAsync(CalibrationJobDocument job, ModelVersion baseModel, CancellationToken cancellationToken)
    {
        var format = new TensorFormat(baseModel.Backbone!.ImageInput);
        var read = new CalibrationFrame?[job.Frames.Count];
        var problems = new FileProblem?[job.Frames.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, job.Frames.Count), parallel, async (i, ct) =>
        {
            var frame = job.Frames[i];
            try
            {
                var content = await data.Container.GetBlobClient(frame.Blob).DownloadContentAsync(ct);
                if (content.Value.Details.ContentLength > TrainingOptions.MaxImageBytes)
                {
                    problems[i] = new FileProblem(frame.Blob, string.Create(CultureInfo.InvariantCulture, $"over {TrainingOptions.MaxImageBytes} bytes"));
                    return;
                }

                var bytes = content.Value.Content.ToMemory();
                engine.Preprocessor.Preprocess(bytes, format, new float[baseModel.Regions.Count * format.Length], baseModel.Regions, ct);
                read[i] = new CalibrationFrame(frame.Blob, bytes, frame.Congestion, frame.Lighting, frame.Sure);
            }
            catch (ImageProblemException ex)
            {
                problems[i] = new FileProblem(frame.Blob, $"{ex.Code}: {ex.Message}");
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                problems[i] = new FileProblem(frame.Blob, "deleted before the job ran");
            }
        });

        job.Unreadable = [.. problems.OfType<FileProblem>()];
        return [.. read.OfType<CalibrationFrame>()];
    }

    private static void Fail(CalibrationJobDocument job, IReadOnlyList<string> reasons)
    {
        job.State = TrainingJobState.Failed;
        job.Failure = [.. reasons];
        job.FinishedAt = DateTimeOffset.UtcNow;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message for calibration job {Model}/{JobId}, which does not exist")]
    private static partial void LogNoJob(ILogger logger, string model, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibration job {Model}/{JobId} was changed by another invocation first")]
    private static partial void LogRaced(ILogger logger, string model, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibration job {Model}/{JobId} of camera {CameraId}: {State}, published version {Version}")]
    private static partial void LogFinished(ILogger logger, string model, string jobId, string cameraId, TrainingJobState state, string? version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Calibration job {Model}/{JobId} failed for good")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string model, string jobId);
}
