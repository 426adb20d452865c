using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SkiaSharp;
using SmartCity.Functions.Http;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Tests;

/// <summary>Real engines over the fixture and bundled models, and small images with known pixels.</summary>
internal static class TestSupport
{
    /// <summary>softmax(1, 0, 0)[0]: a pure red image through <c>channel-logits</c> (labels red, green, blue).</summary>
    public static readonly float RedProbability = MathF.E / (MathF.E + 2f);

    public static InferenceEngine FixtureEngine(Action<InferenceOptions>? configure = null) => Engine(TestPaths.FixtureModels, configure);

    public static InferenceEngine BundledEngine(Action<InferenceOptions>? configure = null) => Engine(TestPaths.Models, configure);

    private static InferenceEngine Engine(string path, Action<InferenceOptions>? configure)
    {
        var options = new InferenceOptions { ModelsPath = path, MaxBatchSize = 8 };
        configure?.Invoke(options);
        return new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
    }

    public static IOptions<HttpApiOptions> HttpOptions(long maxBodyBytes = 10 * 1024 * 1024, int maxImagesPerRequest = 32) =>
        Options.Create(new HttpApiOptions { MaxBodyBytes = maxBodyBytes, MaxImagesPerRequest = maxImagesPerRequest });

    public static byte[] Solid(SKColor color, int size = 4)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A PNG signature followed by garbage: the header names PNG, the data cannot be decoded.</summary>
    public static byte[] CorruptPng() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Repeat((byte)0x42, 64)];

    public static async Task<(byte[] Body, string ContentType)> Multipart(params (string FileName, byte[] Data)[] parts)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (fileName, data) in parts)
        {
            var part = new ByteArrayContent(data);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            content.Add(part, "images", fileName);
        }

        return (await content.ReadAsByteArrayAsync(), content.Headers.ContentType!.ToString());
    }

    public static string Sample(string relative) => Path.Combine(TestPaths.Samples, relative);
}
