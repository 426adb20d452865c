using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCity.Functions.Http;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// One POST to a function class in-process, as the host would hand it over: a real
/// <see cref="DefaultHttpContext"/> with the body in a stream, a failure mapped as the app's
/// middleware maps it, and the <see cref="IActionResult"/> executed into a response stream.
/// No Functions host, gRPC or Kestrel.
/// </summary>
internal static class InProcessHttp
{
    public static async Task<(int Status, byte[] Body)> PostAsync(string path, byte[] body, string contentType, Func<HttpRequest, Task<IActionResult>> function)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = path;
        http.Request.ContentType = contentType;
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body, writable: false);
        using var response = new MemoryStream();
        http.Response.Body = response;
        IActionResult result;
        try
        {
            result = await function(http.Request);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            result = ProblemDetailsMiddleware.Map(exception, http.Request, NullLogger.Instance);
        }

        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, response.ToArray());
    }
}
