using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Dashboard;

/// <summary>
/// <c>GET /api/dashboard/{*path}</c>: the dashboard's static files (<see cref="DashboardFiles"/>).
/// Anonymous: a browser navigating to a page cannot send <c>x-functions-key</c>, and a key in the
/// URL (<c>?code=</c>) would land in history and logs. The files hold no data: every figure the
/// page shows comes from the API routes it calls with the key the user types (or the Easy Auth
/// session), and those routes check keys and roles as for any other client.
/// </summary>
public sealed class DashboardFunctions
{
    [Function(nameof(GetDashboard))]
    public IActionResult GetDashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{*path}")] HttpRequest request,
        string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(path) && !request.Path.Value!.EndsWith('/'))
        {
            // /api/dashboard → /api/dashboard/, so the page's relative links resolve under it.
            return new DashboardRedirectResult(request.PathBase.Add(request.Path).Value + "/");
        }

        if (DashboardFiles.Find(path) is not { } file)
        {
            DashboardFileResult.SecurityHeaders(request.HttpContext.Response);
            throw new HttpApiException("dashboard-file-not-found", "The dashboard has no file at this path.");
        }

        return new DashboardFileResult(file);
    }
}
