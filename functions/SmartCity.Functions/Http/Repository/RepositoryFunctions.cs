using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Functions.Http.OpenInference;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// The Open Inference Protocol's model repository extension, as Triton implements it, under
/// <c>/api/v2/repository</c>: the index of every model version with its state and reason, and
/// load and unload of a model on every instance. Admin level: the master key, never a function key.
/// </summary>
public sealed class RepositoryFunctions(RepositoryHandler api)
{
    [Function(nameof(V2RepositoryIndex))]
    public async Task<IActionResult> V2RepositoryIndex(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "v2/repository/index")] HttpRequest request) =>
        new JsonBodyResult<IReadOnlyList<RepositoryIndexEntry>>(await api.IndexAsync(request, request.HttpContext.RequestAborted), OpenInferenceJsonContext.Default.IReadOnlyListRepositoryIndexEntry);

    /// <summary>200 with no body once the model is loaded again (here at once, on other instances within the refresh interval).</summary>
    [Function(nameof(V2RepositoryModelLoad))]
    public async Task<IActionResult> V2RepositoryModelLoad(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "v2/repository/models/{model}/load")] HttpRequest request,
        string model)
    {
        await api.LoadAsync(request, model, request.HttpContext.RequestAborted);
        return new EmptyResult();
    }

    /// <summary>200 with no body once the model is unloaded (here at once, on other instances within the refresh interval).</summary>
    [Function(nameof(V2RepositoryModelUnload))]
    public async Task<IActionResult> V2RepositoryModelUnload(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "v2/repository/models/{model}/unload")] HttpRequest request,
        string model)
    {
        await api.UnloadAsync(request, model, request.HttpContext.RequestAborted);
        return new EmptyResult();
    }
}
