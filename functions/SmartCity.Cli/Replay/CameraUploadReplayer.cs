using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SmartCity.Cli.Replay;

/// <summary>
/// Replays camera images into a local function app: uploads each image to
/// <c>{container}/{cameraId}/{file name}</c> (Azurite by default) and posts the Event Grid
/// <c>BlobCreated</c> notification to the host's blob webhook, as Event Grid would in Azure.
/// </summary>
internal sealed class CameraUploadReplayer(ReplaySettings settings, CommandConsole console, BlobContainerClient container, HttpClient http)
{
    private readonly Uri _webhook = BlobCreatedNotification.WebhookUri(settings.Host, "ClassifyCameraImage");

    public static async Task<int> RunAsync(ReplaySettings settings, CommandConsole console, CancellationToken cancellationToken)
    {
        var files = ImageInputs.Expand(settings.Inputs, out _);
        var container = OpenContainer(settings);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        using var http = new HttpClient();
        var replayer = new CameraUploadReplayer(settings, console, container, http);
        var failures = 0;
        foreach (var file in files)
        {
            failures += await replayer.ReplayAsync(file, cancellationToken) ? 0 : 1;
        }

        return failures == 0 ? ExitCodes.Success : ExitCodes.SomeItemsFailed;
    }

    /// <summary>The container client; a connection string the SDK cannot parse is a usage error, not a crash.</summary>
    private static BlobContainerClient OpenContainer(ReplaySettings settings)
    {
        try
        {
            return new BlobServiceClient(settings.StorageConnection).GetBlobContainerClient(settings.Container);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The message names what is wrong, never the string itself (it may hold an account key).
            throw new UsageException($"the storage connection string (--storage-file, --storage, or the CameraStorage variable) is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>Uploads one image and, unless told not to, notifies the host; false when the notification failed.</summary>
    private async Task<bool> ReplayAsync(string file, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient($"{settings.CameraId}/{Path.GetFileName(file)}");
        var contentType = ContentType(file);
        var capturedAt = settings.CapturedAt.For(file);
        await UploadAsync(blob, file, contentType, capturedAt, cancellationToken);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        if (!settings.Notify)
        {
            await console.Output.WriteLineAsync($"uploaded {blob.Name}{Captured(capturedAt)}");
            return true;
        }

        var body = BlobCreatedNotification.Create(blob.Uri, blob.AccountName, settings.Container, blob.Name, properties.ETag.ToString(), contentType, properties.ContentLength, DateTimeOffset.UtcNow);
        return await NotifyAsync(blob.Name, body, capturedAt, cancellationToken);
    }

    private static async Task UploadAsync(BlobClient blob, string file, string contentType, DateTimeOffset? capturedAt, CancellationToken cancellationToken)
    {
        var metadata = capturedAt is { } time
            ? new Dictionary<string, string> { ["capturedAt"] = UtcText(time) }
            : null;
        await using var stream = File.OpenRead(file);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Metadata = metadata };
        await blob.UploadAsync(stream, options, cancellationToken);
    }

    private async Task<bool> NotifyAsync(string blobName, string body, DateTimeOffset? capturedAt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("aeg-event-type", "Notification");
        if (!string.IsNullOrEmpty(settings.Key))
        {
            request.Headers.Add("x-functions-key", settings.Key);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await console.Output.WriteLineAsync($"uploaded {blobName}{Captured(capturedAt)}; webhook answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException ex)
        {
            await console.Error.WriteLineAsync($"uploaded {blobName}; webhook {_webhook} unreachable: {ex.Message}");
            return false;
        }
    }

    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".bmp" => "image/bmp",
        ".gif" => "image/gif",
        _ => "image/jpeg",
    };

    private static string Captured(DateTimeOffset? capturedAt) =>
        capturedAt is { } time ? $" (capturedAt {UtcText(time)})" : string.Empty;

    private static string UtcText(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
