using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SmartCity.Functions.Http;

/// <summary>
/// Takes the images out of a prediction request: a raw image body, a multipart form with one
/// or more image parts, or JSON <c>{"images":[{"data":"&lt;base64&gt;"}]}</c>. The body is read
/// once, up to the configured limit (413 past it); anything else is a 415. More images than
/// <see cref="HttpApiOptions.MaxImagesPerRequest"/> are a 413, found before any image is decoded.
/// </summary>
public static class ImageRequestReader
{
    public const string Accepted = "image/jpeg, image/png, image/webp, image/bmp, image/gif, multipart/form-data or application/json";

    private static readonly HashSet<string> ImageMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/webp", "image/bmp", "image/x-ms-bmp", "image/gif",
    };

    public static async Task<IReadOnlyList<RequestImage>> ReadAsync(HttpRequest request, HttpApiOptions limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var maxBodyBytes = limits.MaxBodyBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, Accepted);
        }

        if (ImageMediaTypes.Contains(mediaType))
        {
            var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
            return [new RequestImage(null, body)];
        }

        if (mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                throw HttpApiException.BadRequest("malformed-multipart", "The multipart/form-data content type has no boundary.");
            }

            var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
            return await ReadMultipartAsync(body, boundary, limits.MaxImagesPerRequest, cancellationToken);
        }

        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
            return ReadJson(body, limits.MaxImagesPerRequest);
        }

        throw HttpApiException.UnsupportedMediaType(request.ContentType, Accepted);
    }

    private static async Task<IReadOnlyList<RequestImage>> ReadMultipartAsync(ReadOnlyMemory<byte> body, string boundary, int maxImages, CancellationToken cancellationToken)
    {
        var images = new List<RequestImage>();
        var stream = new MemoryStream(body.ToArray(), writable: false);
        var reader = new MultipartReader(boundary, stream) { BodyLengthLimit = null };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                var fileName = disposition?.FileName.HasValue == true ? disposition.FileName.Value : disposition?.FileNameStar.Value;
                var partName = disposition?.Name.Value;
                var isImage = !string.IsNullOrEmpty(fileName)
                    || (section.ContentType is { } type && type.StartsWith("image/", StringComparison.OrdinalIgnoreCase));
                if (!isImage)
                {
                    continue; // a plain form field, not an image
                }

                if (images.Count == maxImages)
                {
                    throw HttpApiException.TooManyImages(maxImages);
                }

                using var part = new MemoryStream();
                await section.Body.CopyToAsync(part, cancellationToken);
                images.Add(new RequestImage(string.IsNullOrEmpty(fileName) ? partName : fileName, part.ToArray()));
            }
        }
        catch (IOException ex)
        {
            throw HttpApiException.BadRequest("malformed-multipart", $"The multipart body cannot be read: {ex.Message}");
        }

        return images.Count > 0
            ? images
            : throw HttpApiException.BadRequest("no-images", "The multipart body has no image part (a part with a file name or an image/* content type).");
    }

    private static RequestImage[] ReadJson(ReadOnlyMemory<byte> body, int maxImages)
    {
        PredictJsonRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body.Span, ApiJsonContext.Default.PredictJsonRequest);
        }
        catch (JsonException ex)
        {
            throw HttpApiException.BadRequest("malformed-json", $"The JSON body is malformed at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): expected {{\"images\":[{{\"data\":\"<base64>\"}}]}}.");
        }

        if (request?.Images is not { Count: > 0 } entries)
        {
            throw HttpApiException.BadRequest("no-images", "The JSON body has no images: expected {\"images\":[{\"data\":\"<base64>\"}]}.");
        }

        if (entries.Count > maxImages)
        {
            throw HttpApiException.TooManyImages(maxImages, entries.Count);
        }

        var images = new RequestImage[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var data = entries[i]?.Data;
            if (string.IsNullOrEmpty(data))
            {
                throw HttpApiException.BadRequest("bad-base64", $"Image {i} (images[{i}].data) is missing or empty.");
            }

            var bytes = new byte[data.Length * 3 / 4];
            if (!Convert.TryFromBase64String(data, bytes, out var written))
            {
                throw HttpApiException.BadRequest("bad-base64", $"Image {i} (images[{i}].data) is not valid base64.");
            }

            images[i] = new RequestImage(entries[i]!.Name, bytes.AsMemory(0, written));
        }

        return images;
    }
}
