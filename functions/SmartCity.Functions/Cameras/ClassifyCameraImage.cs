using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCity.Cameras;

namespace SmartCity.Functions.Cameras;

/// <summary>
/// Classifies each camera upload, delivered by Event Grid. The webhook neither filters nor
/// deduplicates: anything outside <c>%CameraImagesContainer%/{cameraId}/{name}</c> is ignored
/// with a log line, and <see cref="CameraImageClassifier"/> writes idempotently. Results are
/// written with the Storage SDK, never with output bindings (they would break the BlobClient
/// binding); the function returns nothing for the same reason.
/// </summary>
public sealed partial class ClassifyCameraImage(CameraImageClassifier classifier, IOptions<CameraPipelineOptions> options, ILogger<ClassifyCameraImage> logger)
{
    [Function("ClassifyCameraImage")]
    public async Task RunAsync(
        [BlobTrigger("%CameraImagesContainer%/{cameraId}/{name}", Source = BlobTriggerSource.EventGrid, Connection = "CameraStorage")] BlobClient blob,
        string? cameraId,
        string? name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var problem = CameraBlobPath.Validate(options.Value.ImagesContainer, blob.BlobContainerName, blob.Name, cameraId, name);
        if (problem is not null)
        {
            LogIgnored(logger, blob.BlobContainerName, blob.Name, cameraId, name, problem);
            return;
        }

        await classifier.ClassifyAsync(blob, cameraId!, name!, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored blob event for {Container}/{BlobName} (path {CameraId}/{Name}): {Problem}")]
    private static partial void LogIgnored(ILogger logger, string container, string blobName, string? cameraId, string? name, string problem);
}
