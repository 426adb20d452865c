using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Reclassify;

/// <summary>
/// Reclassifying history: <c>POST /api/cameras/reclassifications</c> answers 202 with the job and
/// its URL in <c>Location</c> (200 with the running job when the same request is running already);
/// <c>GET</c> on that URL tells its state and counts; <c>GET /api/cameras/reclassifications</c>
/// lists the newest jobs. Admin level (the master key) and, with Easy Auth on, <c>Models.Manage</c>.
/// </summary>
public sealed class ReclassifyFunctions(ReclassifyHandler api)
{
    [Function(nameof(CreateReclassification))]
    public async Task<IActionResult> CreateReclassification(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "cameras/reclassifications")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (job, created) = await api.CreateAsync(request, request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/cameras/reclassifications/{job.Id}";
        return new JsonBodyResult<ReclassifyJobView>(job, ReclassifyJsonContext.Default.ReclassifyJobView, created ? 202 : 200);
    }

    [Function(nameof(GetReclassification))]
    public async Task<IActionResult> GetReclassification(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "cameras/reclassifications/{jobId}")] HttpRequest request,
        string jobId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new JsonBodyResult<ReclassifyJobView>(await api.GetAsync(jobId, request.HttpContext.RequestAborted), ReclassifyJsonContext.Default.ReclassifyJobView);
    }

    [Function(nameof(ListReclassifications))]
    public async Task<IActionResult> ListReclassifications(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "cameras/reclassifications")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new JsonBodyResult<IReadOnlyList<ReclassifyJobView>>(await api.ListAsync(request.HttpContext.RequestAborted), ReclassifyJsonContext.Default.IReadOnlyListReclassifyJobView);
    }
}
