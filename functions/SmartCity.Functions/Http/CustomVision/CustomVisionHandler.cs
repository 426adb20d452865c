using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// The Custom Vision Prediction API v3.0 (<c>ClassifyImage</c>, <c>DetectImage</c> and their
/// <c>nostore</c> variants) over the engine. The functions are anonymous at the host, which knows
/// nothing of <c>Prediction-Key</c>; this handler checks the key first, against the SHA-256 hashes
/// of <c>CustomVision:PredictionKeySha256</c> in constant time, before it looks at the project or
/// reads the body. Nothing is stored by either variant. The <c>/url</c> variants fetch the image
/// through <see cref="ImageUrlFetcher"/> (allow-list, https, public addresses, size and time limits).
/// </summary>
public sealed class CustomVisionHandler(InferenceEngine engine, IOptions<HttpApiOptions> httpOptions, IOptions<CustomVisionOptions> options, ImageUrlFetcher urls, TimeProvider time)
{
    public const string KeyHeader = "Prediction-Key";

    /// <summary>The spec's multipart field of the image.</summary>
    public const string ImageField = "imageData";

    public async Task<CustomVisionImagePrediction> PredictImageAsync(HttpRequest request, string projectId, string publishedName, bool detect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authorize(request);
        var (project, model) = Resolve(projectId, publishedName, detect);
        var image = await ReadImageAsync(request, httpOptions.Value.MaxBodyBytes, cancellationToken);
        var prediction = await engine.PredictAsync(model, image, top: int.MaxValue, threshold: 0f, cancellationToken: cancellationToken);
        return ToBody(project, model, prediction);
    }

    /// <summary>
    /// <c>ClassifyImageUrl</c>, <c>DetectImageUrl</c> and their <c>nostore</c> variants: the body is the
    /// spec's <c>ImageUrl</c>, <c>{"url": "https://..."}</c> (JSON, or a form field <c>url</c>).
    /// </summary>
    public async Task<CustomVisionImagePrediction> PredictImageUrlAsync(HttpRequest request, string projectId, string publishedName, bool detect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authorize(request);
        var (project, model) = Resolve(projectId, publishedName, detect);
        var url = await ReadUrlAsync(request, cancellationToken);
        var image = await urls.FetchAsync(url, httpOptions.Value.MaxBodyBytes, cancellationToken);
        var prediction = await engine.PredictAsync(model, image, top: int.MaxValue, threshold: 0f, cancellationToken: cancellationToken);
        return ToBody(project, model, prediction);
    }

    /// <summary>The key must hash to one of the configured hashes; with none configured, nothing is accepted.</summary>
    private void Authorize(HttpRequest request)
    {
        var keys = request.Headers[KeyHeader];
        var hashes = options.Value.KeyHashes;
        if (keys.Count != 1 || string.IsNullOrEmpty(keys[0]) || hashes.Count == 0)
        {
            throw CustomVisionException.Unauthorized();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(keys[0]!));
        var match = false;
        foreach (var expected in hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        }

        if (!match)
        {
            throw CustomVisionException.Unauthorized();
        }
    }

    private (Guid Project, ModelVersion Model) Resolve(string projectId, string publishedName, bool detect)
    {
        var projects = options.Value.ProjectList;
        if (!Guid.TryParse(projectId, CultureInfo.InvariantCulture, out var id) || !projects.Any(p => p.ProjectId == id))
        {
            throw CustomVisionException.ProjectNotFound(projectId);
        }

        var entry = projects.FirstOrDefault(p => p.ProjectId == id && string.Equals(p.PublishedName, publishedName, StringComparison.Ordinal))
            ?? throw CustomVisionException.IterationNotFound(projectId, publishedName);
        var model = engine.Repository.Get(entry.Model, entry.Version);
        var isDetector = model.Task == ModelTask.ObjectDetection;
        if (model.Task == ModelTask.ImageEmbedding || isDetector != detect)
        {
            var task = model.Task switch { ModelTask.ObjectDetection => "object detection", ModelTask.ImageEmbedding => "image embedding", _ => "classification" };
            throw CustomVisionException.WrongTask(publishedName, task, isDetector ? "detect" : "classify");
        }

        return (id, model);
    }

    /// <summary>The spec's two encodings of <c>imageData</c>: the raw bytes (<c>application/octet-stream</c>, or an image type), or a multipart form.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadImageAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        const string accepted = "application/octet-stream or multipart/form-data";
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, accepted);
        }

        if (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
        }

        if (!mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, accepted);
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw HttpApiException.BadRequest("malformed-multipart", "The multipart/form-data content type has no boundary.");
        }

        var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
        var reader = new MultipartReader(boundary, new MemoryStream(body.ToArray(), writable: false)) { BodyLengthLimit = null };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                var isImage = string.Equals(disposition?.Name.Value, ImageField, StringComparison.Ordinal)
                    || disposition?.FileName.HasValue == true || disposition?.FileNameStar.HasValue == true;
                if (isImage)
                {
                    using var part = new MemoryStream();
                    await section.Body.CopyToAsync(part, cancellationToken);
                    return part.ToArray();
                }
            }
        }
        catch (IOException ex)
        {
            throw HttpApiException.BadRequest("malformed-multipart", $"The multipart body cannot be read: {ex.Message}");
        }

        throw HttpApiException.BadRequest("no-images", $"The multipart body has no '{ImageField}' part.");
    }

    /// <summary>The most a <c>/url</c> body may be: a URL and its JSON, not an image.</summary>
    private const int MaxUrlBodyBytes = 16 * 1024;

    /// <summary>The spec's encodings of <c>ImageUrl</c> that callers use: JSON (what the SDKs send) and a form. XML is not read (415).</summary>
    private static async Task<string> ReadUrlAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const string accepted = "application/json or application/x-www-form-urlencoded";
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, accepted);
        }

        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var isForm = mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if (!isJson && !isForm)
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, accepted);
        }

        ReadOnlyMemory<byte> body;
        try
        {
            body = await RequestBody.ReadLimitedAsync(request, MaxUrlBodyBytes, cancellationToken);
        }
        catch (HttpApiException ex) when (ex.Code == "payload-too-large")
        {
            throw CustomVisionException.UrlInvalid($"The body is over {MaxUrlBodyBytes} bytes: send {{\"url\": \"...\"}} only.");
        }

        string? url;
        if (isJson)
        {
            try
            {
                url = System.Text.Json.JsonSerializer.Deserialize(body.Span, CustomVisionJsonContext.Default.CustomVisionImageUrl)?.Url;
            }
            catch (System.Text.Json.JsonException)
            {
                throw CustomVisionException.UrlInvalid("The body is not the JSON object {\"url\": \"...\"}.");
            }
        }
        else
        {
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span));
            url = form.FirstOrDefault(f => string.Equals(f.Key, "url", StringComparison.OrdinalIgnoreCase)).Value.FirstOrDefault();
        }

        return string.IsNullOrWhiteSpace(url)
            ? throw CustomVisionException.UrlInvalid("The body has no url: send {\"url\": \"https://...\"}.")
            : url.Trim();
    }

    private CustomVisionImagePrediction ToBody(Guid project, ModelVersion model, Prediction prediction)
    {
        var predictions = model.Task == ModelTask.ObjectDetection
            ? prediction.Detections.Select(d => new CustomVisionPrediction(d.Probability, CustomVisionIds.Tag(model.Name, d.Label), d.Label, new CustomVisionBoundingBox(d.Box.Left, d.Box.Top, d.Box.Width, d.Box.Height)))
            : prediction.Predictions.Select(p => new CustomVisionPrediction(p.Probability, CustomVisionIds.Tag(model.Name, p.Label), p.Label, null));
        var created = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
        return new CustomVisionImagePrediction(Guid.NewGuid(), project, CustomVisionIds.Iteration(model.Name, model.Version), created, [.. predictions]);
    }
}
