using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace SmartCity.Functions.Dashboard;

/// <summary>
/// Writes a dashboard file with its ETag (304 when <c>If-None-Match</c> names it), <c>Cache-Control: no-cache</c>
/// (the names carry no hash, so the browser revalidates each time and a deployment is seen at once), and
/// the headers every dashboard answer carries (<see cref="SecurityHeaders"/>).
/// </summary>
public sealed class DashboardFileResult(DashboardFile file) : IActionResult
{
    /// <summary>
    /// Scripts and styles from the app only (no inline script, no eval, no CDN), data calls to the app only,
    /// images from the app or made in the page (an uploaded image, the explanation PNG), never framed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public DashboardFile File { get; } = file;

    public static void SecurityHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        SecurityHeaders(response);
        response.Headers.ETag = File.ETag;
        response.Headers.CacheControl = "no-cache";
        if (Matches(request.Headers.IfNoneMatch, File.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = File.ContentType;
        response.ContentLength = File.Content.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(File.Content, context.HttpContext.RequestAborted);
        }
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag) =>
        EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags) &&
        tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false));
}
