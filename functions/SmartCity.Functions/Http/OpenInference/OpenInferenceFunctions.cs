using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// The Open Inference Protocol (KServe v2) REST API under <c>/api/v2</c>. The three health APIs
/// (server live, server ready, model ready: the spec groups model ready with health) are
/// anonymous, for probes; metadata and inference need a function key. Errors answer <c>{"error": "..."}</c>.
/// </summary>
public sealed class OpenInferenceFunctions(OpenInferenceHandler api)
{
    private static OpenInferenceJsonContext Json => OpenInferenceJsonContext.Default;

    [Function(nameof(V2ServerMetadata))]
    public IActionResult V2ServerMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2")] HttpRequest request) =>
        new JsonBodyResult<ServerMetadataResponse>(OpenInferenceHandler.ServerMetadata(), Json.ServerMetadataResponse);

    [Function(nameof(V2ServerLive))]
    public IActionResult V2ServerLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/live")] HttpRequest request) =>
        new JsonBodyResult<ServerLiveResponse>(new ServerLiveResponse(true), Json.ServerLiveResponse);

    /// <summary>200 when the warm-up models are loaded; 400 (the spec's "4xx means false") before.</summary>
    [Function(nameof(V2ServerReady))]
    public IActionResult V2ServerReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request) =>
        new JsonBodyResult<ServerReadyResponse>(new ServerReadyResponse(api.IsServerReady), Json.ServerReadyResponse, api.IsServerReady ? 200 : 400);

    [Function(nameof(V2ModelMetadata))]
    public async Task<IActionResult> V2ModelMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{model}")] HttpRequest request,
        string model) =>
        new JsonBodyResult<ModelMetadataResponse>(await api.ModelMetadataAsync(model, null, request.HttpContext.RequestAborted), Json.ModelMetadataResponse);

    [Function(nameof(V2ModelVersionMetadata))]
    public async Task<IActionResult> V2ModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v2/models/{model}/versions/{version}")] HttpRequest request,
        string model,
        string version) =>
        new JsonBodyResult<ModelMetadataResponse>(await api.ModelMetadataAsync(model, version, request.HttpContext.RequestAborted), Json.ModelMetadataResponse);

    [Function(nameof(V2ModelReady))]
    public IActionResult V2ModelReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{model}/ready")] HttpRequest request,
        string model) => ModelReady(api.ModelReady(model, null));

    [Function(nameof(V2ModelVersionReady))]
    public IActionResult V2ModelVersionReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{model}/versions/{version}/ready")] HttpRequest request,
        string model,
        string version) => ModelReady(api.ModelReady(model, version));

    [Function(nameof(V2Infer))]
    public async Task<IActionResult> V2Infer(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v2/models/{model}/infer")] HttpRequest request,
        string model) =>
        new InferenceResponseResult(await api.InferAsync(request, model, null, request.HttpContext.RequestAborted));

    [Function(nameof(V2VersionInfer))]
    public async Task<IActionResult> V2VersionInfer(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v2/models/{model}/versions/{version}/infer")] HttpRequest request,
        string model,
        string version) =>
        new InferenceResponseResult(await api.InferAsync(request, model, version, request.HttpContext.RequestAborted));

    /// <summary>Our extension (<see cref="OpenInferenceHandler.ExplainExtension"/>): the infer body, answered with saliency outputs.</summary>
    [Function(nameof(V2Explain))]
    public async Task<IActionResult> V2Explain(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v2/models/{model}/explain")] HttpRequest request,
        string model) =>
        new InferenceResponseResult(await api.ExplainAsync(request, model, null, request.HttpContext.RequestAborted));

    /// <summary>Model ready: 200 when its session is loaded, 400 (with <c>ready: false</c>) when not yet.</summary>
    private static JsonBodyResult<ModelReadyResponse> ModelReady(ModelReadyResponse ready) =>
        new(ready, Json.ModelReadyResponse, ready.Ready ? 200 : 400);
}
