using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Tests.Soak;

/// <summary>
/// The HTTP half of the soak mix: native predict requests of vehicle-type through
/// <see cref="PredictFunctions"/> with real <c>DefaultHttpContext</c> requests, from several
/// callers at once: single JPEGs (crops and 1920x1080 frames), multipart forms and JSON of several
/// images, and corrupt images, each checked against the answer it must get.
/// </summary>
internal sealed class PredictionLoad(PredictFunctions functions, IReadOnlyList<SoakRequest> requests)
{
    public const string Model = "vehicle-type";

    /// <summary>Every answer: the request's index, its status, whether it was the expected one, and its milliseconds.</summary>
    public ConcurrentQueue<(int Index, int Status, bool AsExpected, string Detail, double Milliseconds)> Answers { get; } = new();

    /// <summary>The request templates: built once, so the run allocates only what serving them does.</summary>
    public static async Task<IReadOnlyList<SoakRequest>> TemplatesAsync()
    {
        var crops = Directory.GetFiles(Path.Combine(TestPaths.Samples, "vehicles"), "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var frame = await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(TestPaths.Samples, "traffic-cameras"), "*.jpg").Order(StringComparer.Ordinal).First());
        var (form, formType) = await MultipartAsync(crops[..3]);
        var json = Encoding.UTF8.GetBytes($$"""{"images":[{"data":"{{Convert.ToBase64String(crops[3])}}","name":"a"},{"data":"{{Convert.ToBase64String(crops[4])}}"}]}""");
        return
        [
            new("jpeg", crops[0], "image/jpeg", 200, 1),
            new("jpeg", frame, "image/jpeg", 200, 1),
            new("multipart", form, formType, 200, 3),
            new("json", json, "application/json", 200, 2),
            new("jpeg", crops[5], "image/jpeg", 200, 1),
            new("corrupt", TestSupport.CorruptPng(), "image/png", 400, 0),
        ];
    }

    /// <summary>Sends <paramref name="count"/> requests (cycling the templates) from <paramref name="callers"/> callers, none started after <paramref name="deadline"/>.</summary>
    public async Task RunAsync(int count, int callers, DateTimeOffset deadline)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && DateTimeOffset.UtcNow < deadline)
            {
                await SendAsync(i, requests[i % requests.Count]);
            }
        })));
    }

    private async Task SendAsync(int index, SoakRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var context = HttpTestHost.Request("POST", $"/api/models/{Model}/predict", request.Body, request.ContentType);
        var response = await HttpTestHost.InvokeAsync(context, () => functions.Predict(context.Request, Model));
        var images = response.Status == 200 ? response.Json.GetProperty("images").GetArrayLength() : 0;
        var expected = response.Status == request.Status && images == request.Images;
        Answers.Enqueue((index, response.Status, expected, $"{request.Kind}: {response.Status} with {images} image(s)", Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    private static async Task<(byte[] Body, string ContentType)> MultipartAsync(byte[][] images)
    {
        using var content = new MultipartFormDataContent();
        for (var i = 0; i < images.Length; i++)
        {
            var part = new ByteArrayContent(images[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            content.Add(part, "images", $"crop-{i}.jpg");
        }

        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }
}
