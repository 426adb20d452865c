using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Training;

/// <summary>
/// Camera calibration as a service: <c>POST /api/models/{model}/calibrations</c> answers 202 with
/// the job and its URL in <c>Location</c>; <c>GET</c> on that URL tells its state, the frames read,
/// the unreadable ones, the leave-one-out figure and the camera model version it published.
/// Admin level (the master key) and <c>Models.Manage</c>: a job publishes versions.
/// </summary>
public sealed class CalibrationJobFunctions(CalibrationJobHandler api)
{
    [Function(nameof(CreateCalibrationJob))]
    public async Task<IActionResult> CreateCalibrationJob(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "models/{model}/calibrations")] HttpRequest request,
        string model)
    {
        var job = await api.CreateAsync(request, model, request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/models/{job.Model}/calibrations/{job.Id}";
        return new JsonBodyResult<CalibrationJobView>(job, TrainingJsonContext.Default.CalibrationJobView, 202);
    }

    [Function(nameof(GetCalibrationJob))]
    public async Task<IActionResult> GetCalibrationJob(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{model}/calibrations/{jobId}")] HttpRequest request,
        string model,
        string jobId) =>
        new JsonBodyResult<CalibrationJobView>(await api.GetAsync(model, jobId, request.HttpContext.RequestAborted), TrainingJsonContext.Default.CalibrationJobView);
}
