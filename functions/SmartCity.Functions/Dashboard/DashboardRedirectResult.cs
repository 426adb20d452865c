using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SmartCity.Functions.Dashboard;

/// <summary>A 302 to <paramref name="location"/> (a path of this app) with the dashboard's headers; needs no MVC services.</summary>
public sealed class DashboardRedirectResult(string location) : IActionResult
{
    public string Location { get; } = location;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        DashboardFileResult.SecurityHeaders(response);
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = Location;
        response.Headers.CacheControl = "no-cache";
        return Task.CompletedTask;
    }
}
