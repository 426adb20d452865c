using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SmartCity.Inference.Cameras;

namespace SmartCity.Cli;

/// <summary>
/// Replays camera images into a local function app: uploads each image to
/// <c>{container}/{cameraId}/{file name}</c> (Azurite by default) and posts the Event Grid
/// <c>BlobCreated</c> notification to the host's blob webhook, as Event Grid would in Azure.
/// </summary>
internal static class ReplayCommand
{
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
            await using (var stream = File.OpenRead(file))
            {
                await blob.UploadAsync(stream, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } });
            }

            var properties = (await blob.GetPropertiesAsync()).Value;
            if (!notify)
            {
                Console.WriteLine($"uploaded {blob.Name}");
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
                Console.WriteLine($"uploaded {blob.Name}; webhook answered {(int)response.StatusCode}");
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
}
