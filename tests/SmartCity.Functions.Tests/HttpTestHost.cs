using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Tests;

/// <summary>
/// Calls HTTP functions the way the host does, without the host: a real <see cref="DefaultHttpContext"/>
/// request, the function's <see cref="IActionResult"/> executed into the response, and exceptions
/// mapped by the same code as <see cref="ProblemDetailsMiddleware"/>.
/// </summary>
internal static class HttpTestHost
{
    public static HttpContext Request(string method, string path, byte[]? body = null, string? contentType = null, string? query = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = query is null ? QueryString.Empty : new QueryString(query.StartsWith('?') ? query : "?" + query);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }

        context.Request.ContentType = contentType;
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static HttpContext Json(string method, string path, string json) => Request(method, path, Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>Runs a function and executes its result (or the mapped error) into the response.</summary>
    public static async Task<Response> InvokeAsync(HttpContext context, Func<Task<IActionResult>> function)
    {
        IActionResult result;
        try
        {
            result = await function();
        }
        catch (Exception exception)
        {
            result = ProblemDetailsMiddleware.Map(exception, context.Request, NullLogger.Instance);
        }

        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new Response(context.Response.StatusCode, context.Response.ContentType, text, context.Response.Headers);
    }

    public static Task<Response> InvokeAsync(HttpContext context, Func<IActionResult> function) => InvokeAsync(context, () => Task.FromResult(function()));

    internal sealed record Response(int Status, string? ContentType, string Body, IHeaderDictionary Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }
}
