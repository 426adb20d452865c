using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http;

/// <summary><c>GET /api/models</c> and <c>GET /api/models/{model}</c>: what the server serves and how each model reads images.</summary>
public sealed class ModelFunctions(ModelCatalog catalog)
{
    [Function(nameof(ListModels))]
    public IActionResult ListModels(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest request) =>
        new JsonBodyResult<IReadOnlyList<ModelSummaryBody>>(catalog.List(), ApiJsonContext.Default.IReadOnlyListModelSummaryBody);

    [Function(nameof(GetModel))]
    public async Task<IActionResult> GetModel(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models/{model}")] HttpRequest request,
        string model) =>
        new JsonBodyResult<ModelDetailsBody>(await catalog.DescribeAsync(model, request.HttpContext.RequestAborted), ApiJsonContext.Default.ModelDetailsBody);
}
