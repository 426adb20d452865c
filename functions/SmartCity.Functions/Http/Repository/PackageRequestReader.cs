using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// Reads a version package from <c>multipart/form-data</c>: every file part is a file of the
/// version under its file name (<c>model.json</c>, the ONNX file, labels, <c>card.json</c>...);
/// form fields <c>promote</c> (true/false) and <c>reason</c>. The body is read up to the
/// configured limit (413 past it).
/// </summary>
public static partial class PackageRequestReader
{
    public static async Task<VersionPackage> ReadAsync(HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, "multipart/form-data (one file part per file of the version)");
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw HttpApiException.BadRequest("malformed-multipart", "The multipart/form-data content type has no boundary.");
        }

        var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new MultipartReader(boundary, new MemoryStream(body.ToArray(), writable: false)) { BodyLengthLimit = null };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                var fileName = disposition?.FileName.HasValue == true ? disposition.FileName.Value : disposition?.FileNameStar.Value;
                using var content = new MemoryStream();
                await section.Body.CopyToAsync(content, cancellationToken);
                if (string.IsNullOrEmpty(fileName))
                {
                    fields[disposition?.Name.Value ?? string.Empty] = System.Text.Encoding.UTF8.GetString(content.ToArray());
                }
                else if (!files.TryAdd(fileName, content.ToArray()))
                {
                    throw HttpApiException.BadRequest("invalid-package", $"The package has two files named '{fileName}'.");
                }
            }
        }
        catch (IOException ex)
        {
            throw HttpApiException.BadRequest("malformed-multipart", $"The multipart body cannot be read: {ex.Message}");
        }

        var promote = fields.TryGetValue("promote", out var text) ? ParseBool(text) : false;
        return new VersionPackage(files, promote, fields.GetValueOrDefault("reason"), IdempotencyKey(request));
    }

    /// <summary>The <c>Idempotency-Key</c> header: a retried publish with the same key publishes once.</summary>
    private static string? IdempotencyKey(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        return KeyPattern().IsMatch(key)
            ? key
            : throw HttpApiException.BadRequest("invalid-package", "The Idempotency-Key header must be 1-64 letters, digits, '-' or '_'.");
    }

    private static bool ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" or "" => false,
        _ => throw HttpApiException.BadRequest("invalid-package", string.Create(CultureInfo.InvariantCulture, $"Form field 'promote' must be true or false; got '{text}'.")),
    };

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
