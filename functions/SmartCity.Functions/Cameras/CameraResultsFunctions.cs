using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Cameras.Storage;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Cameras;

/// <summary>Reads a camera's stored results: classifications newest first (paged) and a per-interval summary.</summary>
public sealed class CameraResultsFunctions(CameraResultsQuery query, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary><c>GET /api/cameras</c>: every camera with stored results and its newest result (see <see cref="CameraResultsQuery.ListCamerasAsync"/>).</summary>
    [Function("ListCameras")]
    public async Task<IActionResult> ListCamerasAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "cameras")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cameras = await query.ListCamerasAsync(_time.GetUtcNow(), cancellationToken);
        return new JsonBodyResult<CameraList>(cameras, CameraApiJsonContext.Default.CameraList);
    }

    /// <summary><c>GET /api/cameras/{cameraId}/classifications?from=&amp;to=&amp;label=&amp;model=&amp;top=&amp;continuationToken=</c></summary>
    [Function("GetCameraClassifications")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "cameras/{cameraId}/classifications")] HttpRequest request,
        string cameraId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var (from, to) = CameraResultsQuery.ParseRange(q["from"], q["to"], _time.GetUtcNow());
        var top = CameraResultsQuery.ParseTop(q["top"]);
        var page = await query.ListAsync(cameraId, from, to, NullIfEmpty(q["label"]), NullIfEmpty(q["model"]), top, NullIfEmpty(q["continuationToken"]), cancellationToken);
        return new JsonBodyResult<CameraClassificationPage>(page, CameraApiJsonContext.Default.CameraClassificationPage);
    }

    /// <summary><c>GET /api/cameras/{cameraId}/summary?from=&amp;to=&amp;interval=hour|day</c></summary>
    [Function("GetCameraSummary")]
    public async Task<IActionResult> SummaryAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "cameras/{cameraId}/summary")] HttpRequest request,
        string cameraId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var q = request.Query;
        var (from, to) = CameraResultsQuery.ParseRange(q["from"], q["to"], _time.GetUtcNow());
        var interval = CameraResultsQuery.ParseInterval(q["interval"]);
        var summary = await query.SummarizeAsync(cameraId, from, to, interval, cancellationToken);
        return new JsonBodyResult<CameraSummary>(summary, CameraApiJsonContext.Default.CameraSummary);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

