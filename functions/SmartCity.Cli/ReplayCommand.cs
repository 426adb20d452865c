using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SmartCity.Cameras;
using SmartCity.Cameras.Storage;

namespace SmartCity.Cli;

/// <summary>
/// Replays camera images into a local function app: uploads each image to
/// <c>{container}/{cameraId}/{file name}</c> (Azurite by default) and posts the Event Grid
/// <c>BlobCreated</c> notification to the host's blob webhook, as Event Grid would in Azure.
/// </summary>
internal static partial class ReplayCommand
{
    /// <summary>
    /// The capture time each upload gets as blob metadata <c>capturedAt</c> (which the pipeline
    /// prefers to EXIF and to the upload time): <c>name</c> (default) reads a
    /// <c>yyyy-MM-dd_HH-mm-ss</c> time from the file name, as UTC; an ISO 8601 time is used for
    /// every file; <c>none</c> sets nothing.
    /// </summary>
    public static DateTimeOffset? CaptureTime(string option, string fileName)
    {
        if (option == "none")
        {
            return null;
        }

        if (option == "name")
        {
            var match = TimeInName().Match(Path.GetFileNameWithoutExtension(fileName));
            return match.Success && DateTime.TryParseExact(
                $"{match.Groups["date"].Value}T{match.Groups["h"].Value}:{match.Groups["m"].Value}:{match.Groups["s"].Value}",
                "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                ? new DateTimeOffset(time, TimeSpan.Zero)
                : null;
        }

        return DateTimeOffset.TryParse(option, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var given)
            ? given
            : throw new ArgumentException($"--captured-at must be 'name', 'none' or an ISO 8601 time, not '{option}'.");
    }

    [GeneratedRegex(@"(?<date>\d{4}-\d{2}-\d{2})[_T ](?<h>\d{2})[-:](?<m>\d{2})[-:](?<s>\d{2})")]
    private static partial Regex TimeInName();

    public static async Task<int> RunAsync(Arguments arguments)
    {
        if (arguments.Positional.Count == 0)
        {
            throw new ArgumentException("replay needs a folder or files of images.");
        }

        var files = EngineFactory.ExpandInputs(arguments.Positional, out _);
        var cameraId = arguments.Get("camera", "cam-local");
        var connection = arguments.Get("storage", Environment.GetEnvironmentVariable("CameraStorage") ?? "UseDevelopmentStorage=true");
        var containerName = arguments.Get("container", "camera-images");
        var host = new Uri(arguments.Get("host", "http://localhost:7071/"));
        var key = arguments.Named.GetValueOrDefault("key") ?? Environment.GetEnvironmentVariable("BLOBS_EXTENSION_KEY");
        var notify = !arguments.Has("no-notify");
        var capturedAtOption = arguments.Get("captured-at", "name");
        _ = CaptureTime(capturedAtOption, "x");
        if (CameraBlobPath.Validate(containerName, containerName, null, cameraId, "x") is { } problem)
        {
            throw new ArgumentException($"--camera: {problem}.");
        }

        var container = new BlobServiceClient(connection).GetBlobContainerClient(containerName);
        await container.CreateIfNotExistsAsync();
        using var http = new HttpClient();
        var webhook = BlobCreatedNotification.WebhookUri(host, "ClassifyCameraImage");
        var failures = 0;
        foreach (var file in files)
        {
            var blob = container.GetBlobClient($"{cameraId}/{Path.GetFileName(file)}");
            var contentType = Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".png" => "image/png",
                ".webp" => "image/webp",
                ".bmp" => "image/bmp",
                ".gif" => "image/gif",
                _ => "image/jpeg",
            };
            var capturedAt = CaptureTime(capturedAtOption, file);
            var metadata = capturedAt is { } time
                ? new Dictionary<string, string> { ["capturedAt"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) }
                : null;
            await using (var stream = File.OpenRead(file))
            {
                await blob.UploadAsync(stream, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Metadata = metadata });
            }

            var properties = (await blob.GetPropertiesAsync()).Value;
            if (!notify)
            {
                Console.WriteLine($"uploaded {blob.Name}{Captured(capturedAt)}");
                continue;
            }

            var body = BlobCreatedNotification.Create(blob.Uri, blob.AccountName, containerName, blob.Name, properties.ETag.ToString(), contentType, properties.ContentLength, DateTimeOffset.UtcNow);
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("aeg-event-type", "Notification");
            if (!string.IsNullOrEmpty(key))
            {
                request.Headers.Add("x-functions-key", key);
            }

            try
            {
                using var response = await http.SendAsync(request);
                Console.WriteLine($"uploaded {blob.Name}{Captured(capturedAt)}; webhook answered {(int)response.StatusCode}");
                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"uploaded {blob.Name}; webhook {webhook} unreachable: {ex.Message}");
                failures++;
            }
        }

        return failures == 0 ? 0 : 2;
    }

    private static string Captured(DateTimeOffset? capturedAt) =>
        capturedAt is { } time ? string.Create(CultureInfo.InvariantCulture, $" (capturedAt {time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})") : string.Empty;
}
