using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Training;

/// <summary>
/// Training as a service: <c>POST /api/models/{model}/training-jobs</c> answers 202 with the job
/// and its URL in <c>Location</c>; <c>GET</c> on that URL tells its state, progress, the version
/// it published with its figures, or why it failed. Admin level (the master key): a job publishes versions.
/// </summary>
public sealed class TrainingJobFunctions(TrainingJobHandler api)
{
    [Function(nameof(CreateTrainingJob))]
    public async Task<IActionResult> CreateTrainingJob(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "models/{model}/training-jobs")] HttpRequest request,
        string model)
    {
        var job = await api.CreateAsync(request, model, request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/models/{job.Model}/training-jobs/{job.Id}";
        return new JsonBodyResult<TrainingJobView>(job, TrainingJsonContext.Default.TrainingJobView, 202);
    }

    [Function(nameof(GetTrainingJob))]
    public async Task<IActionResult> GetTrainingJob(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{model}/training-jobs/{jobId}")] HttpRequest request,
        string model,
        string jobId) =>
        new JsonBodyResult<TrainingJobView>(await api.GetAsync(model, jobId, request.HttpContext.RequestAborted), TrainingJsonContext.Default.TrainingJobView);
}
