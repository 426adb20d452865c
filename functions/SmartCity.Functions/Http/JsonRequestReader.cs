using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SmartCity.Functions.Http;

/// <summary>Reads a small JSON request body (up to the configured limit); an empty body is the type's defaults.</summary>
public static class JsonRequestReader
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBodyBytes, CancellationToken cancellationToken)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadLimitedAsync(request, maxBodyBytes, cancellationToken);
        if (body.IsEmpty)
        {
            return new T();
        }

        if (!string.IsNullOrEmpty(request.ContentType)
            && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            throw HttpApiException.UnsupportedMediaType(request.ContentType, "application/json");
        }

        try
        {
            return JsonSerializer.Deserialize(body.Span, typeInfo) ?? new T();
        }
        catch (JsonException ex)
        {
            throw HttpApiException.BadRequest("malformed-json", $"The JSON body is malformed at {ex.Path ?? "$"} (line {ex.LineNumber + 1}).");
        }
    }
}
