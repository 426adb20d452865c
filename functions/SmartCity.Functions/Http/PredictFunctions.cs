using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http;

/// <summary>
/// <c>POST /api/models/{model}[/versions/{version}]/predict</c>: classify or embed a raw image,
/// a multipart form of images or JSON with base64 images. Errors are mapped by <see cref="ProblemMapping"/>.
/// </summary>
public sealed class PredictFunctions(PredictHandler api)
{
    [Function(nameof(Predict))]
    public async Task<IActionResult> Predict(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/predict")] HttpRequest request,
        string model)
    {
        var response = await api.PredictAsync(request, model, null, request.HttpContext.RequestAborted);
        return new JsonBodyResult<PredictResponse>(response, ApiJsonContext.Default.PredictResponse);
    }

    [Function(nameof(PredictVersion))]
    public async Task<IActionResult> PredictVersion(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/versions/{version}/predict")] HttpRequest request,
        string model,
        string version)
    {
        var response = await api.PredictAsync(request, model, version, request.HttpContext.RequestAborted);
        return new JsonBodyResult<PredictResponse>(response, ApiJsonContext.Default.PredictResponse);
    }
}
