using Microsoft.AspNetCore.Mvc;

namespace SmartCity.Functions.Http;

/// <summary>Writes bytes with a content type. Like <see cref="JsonBodyResult{T}"/>, needs no MVC services.</summary>
public sealed class BinaryBodyResult(byte[] body, string contentType) : IActionResult
{
    public byte[] Body { get; } = body;

    public string ContentType { get; } = contentType;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, context.HttpContext.RequestAborted);
    }
}
