using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// Publishing and steering model versions in the blob repository: publish a version from an
/// uploaded package, set or roll back the default, retire a version, read the history. Admin level
/// (the master key). Every change is recorded in the model's history with who and when.
/// </summary>
public sealed class ModelVersionFunctions(RepositoryHandler api)
{
    private static ApiJsonContext Json => ApiJsonContext.Default;

    /// <summary>201 with the version number it got; <c>Location</c> is the model (its versions and cards).</summary>
    [Function(nameof(PublishModelVersion))]
    public async Task<IActionResult> PublishModelVersion(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "models/{model}/versions")] HttpRequest request,
        string model)
    {
        var published = await api.PublishAsync(request, model, request.HttpContext.RequestAborted);
        request.HttpContext.Response.Headers.Location = $"/api/models/{published.Model}";
        return new JsonBodyResult<PublishedVersionBody>(published, Json.PublishedVersionBody, published.Created ? 201 : 200);
    }

    [Function(nameof(SetModelDefault))]
    public async Task<IActionResult> SetModelDefault(
        [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "models/{model}/default")] HttpRequest request,
        string model) =>
        new JsonBodyResult<DefaultVersionBody>(await api.SetDefaultAsync(request, model, request.HttpContext.RequestAborted), Json.DefaultVersionBody);

    [Function(nameof(RollBackModelDefault))]
    public async Task<IActionResult> RollBackModelDefault(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "models/{model}/default/rollback")] HttpRequest request,
        string model) =>
        new JsonBodyResult<DefaultVersionBody>(await api.RollBackAsync(request, model, request.HttpContext.RequestAborted), Json.DefaultVersionBody);

    [Function(nameof(RetireModelVersion))]
    public async Task<IActionResult> RetireModelVersion(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "models/{model}/versions/{version}/retire")] HttpRequest request,
        string model,
        string version) =>
        new JsonBodyResult<RetiredVersionBody>(await api.RetireAsync(request, model, version, request.HttpContext.RequestAborted), Json.RetiredVersionBody);

    [Function(nameof(GetModelHistory))]
    public async Task<IActionResult> GetModelHistory(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "models/{model}/history")] HttpRequest request,
        string model) =>
        new JsonBodyResult<ModelHistoryBody>(await api.HistoryAsync(model, request.HttpContext.RequestAborted), Json.ModelHistoryBody);
}
