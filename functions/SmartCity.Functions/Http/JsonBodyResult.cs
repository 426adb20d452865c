using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace SmartCity.Functions.Http;

/// <summary>
/// Writes a value as JSON with a source-generated serializer. Needs no MVC services, so the
/// same result runs under the Functions host and in tests on a bare <c>DefaultHttpContext</c>.
/// </summary>
public sealed class JsonBodyResult<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200, string contentType = "application/json", TimeSpan? retryAfter = null) : IActionResult
{
    public T Value { get; } = value;

    public int StatusCode { get; } = status;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = contentType + "; charset=utf-8";
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(response.Body, Value, typeInfo, context.HttpContext.RequestAborted);
    }
}
