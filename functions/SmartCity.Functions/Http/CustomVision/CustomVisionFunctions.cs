using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>
/// The Custom Vision Prediction API v3.0 routes, as the service's SDKs call them (endpoint
/// <c>https://&lt;app&gt;/api</c>). Anonymous at the host: Custom Vision callers send
/// <c>Prediction-Key</c>, which the host cannot check, so <see cref="CustomVisionHandler"/> checks it
/// before anything else. Errors answer the spec's <c>{"code": ..., "message": ...}</c>.
/// </summary>
public sealed class CustomVisionFunctions(CustomVisionHandler api)
{
    public const string RoutePrefix = "customvision/v3.0/Prediction/{projectId}/";

    [Function(nameof(CustomVisionClassifyImage))]
    public Task<IActionResult> CustomVisionClassifyImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "classify/iterations/{publishedName}/image")] HttpRequest request,
        string projectId,
        string publishedName) => PredictAsync(request, projectId, publishedName, detect: false);

    [Function(nameof(CustomVisionClassifyImageNoStore))]
    public Task<IActionResult> CustomVisionClassifyImageNoStore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "classify/iterations/{publishedName}/image/nostore")] HttpRequest request,
        string projectId,
        string publishedName) => PredictAsync(request, projectId, publishedName, detect: false);

    [Function(nameof(CustomVisionDetectImage))]
    public Task<IActionResult> CustomVisionDetectImage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "detect/iterations/{publishedName}/image")] HttpRequest request,
        string projectId,
        string publishedName) => PredictAsync(request, projectId, publishedName, detect: true);

    [Function(nameof(CustomVisionDetectImageNoStore))]
    public Task<IActionResult> CustomVisionDetectImageNoStore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "detect/iterations/{publishedName}/image/nostore")] HttpRequest request,
        string projectId,
        string publishedName) => PredictAsync(request, projectId, publishedName, detect: true);

    [Function(nameof(CustomVisionClassifyImageUrl))]
    public Task<IActionResult> CustomVisionClassifyImageUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "classify/iterations/{publishedName}/url")] HttpRequest request,
        string projectId,
        string publishedName) => PredictUrlAsync(request, projectId, publishedName, detect: false);

    [Function(nameof(CustomVisionClassifyImageUrlNoStore))]
    public Task<IActionResult> CustomVisionClassifyImageUrlNoStore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "classify/iterations/{publishedName}/url/nostore")] HttpRequest request,
        string projectId,
        string publishedName) => PredictUrlAsync(request, projectId, publishedName, detect: false);

    [Function(nameof(CustomVisionDetectImageUrl))]
    public Task<IActionResult> CustomVisionDetectImageUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "detect/iterations/{publishedName}/url")] HttpRequest request,
        string projectId,
        string publishedName) => PredictUrlAsync(request, projectId, publishedName, detect: true);

    [Function(nameof(CustomVisionDetectImageUrlNoStore))]
    public Task<IActionResult> CustomVisionDetectImageUrlNoStore(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = RoutePrefix + "detect/iterations/{publishedName}/url/nostore")] HttpRequest request,
        string projectId,
        string publishedName) => PredictUrlAsync(request, projectId, publishedName, detect: true);

    private async Task<IActionResult> PredictUrlAsync(HttpRequest request, string projectId, string publishedName, bool detect)
    {
        var body = await api.PredictImageUrlAsync(request, projectId, publishedName, detect, request.HttpContext.RequestAborted);
        return new JsonBodyResult<CustomVisionImagePrediction>(body, CustomVisionJsonContext.Default.CustomVisionImagePrediction);
    }

    private async Task<IActionResult> PredictAsync(HttpRequest request, string projectId, string publishedName, bool detect)
    {
        var body = await api.PredictImageAsync(request, projectId, publishedName, detect, request.HttpContext.RequestAborted);
        return new JsonBodyResult<CustomVisionImagePrediction>(body, CustomVisionJsonContext.Default.CustomVisionImagePrediction);
    }
}
