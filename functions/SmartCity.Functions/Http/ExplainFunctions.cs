using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace SmartCity.Functions.Http;

/// <summary>
/// <c>POST /api/models/{model}/explain</c>: the same bodies as predict; answers each image's
/// prediction with an occlusion explanation (JSON, overlays as base64 PNG; <c>?examples=k</c> nearest
/// training examples per head when the version has an example index), or with
/// <c>Accept: image/png</c> the overlay PNG itself (one image; <c>?head=</c> picks the head).
/// </summary>
public sealed class ExplainFunctions(PredictHandler api)
{
    public const string PngMediaType = "image/png";

    [Function(nameof(Explain))]
    public async Task<IActionResult> Explain(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{model}/explain")] HttpRequest request,
        string model)
    {
        var target = api.Models.Get(model, null);
        if (WantsPng(request))
        {
            var (png, map) = await api.ExplainPngAsync(request, target, request.HttpContext.RequestAborted);
            request.HttpContext.Response.Headers["X-Explained-Head"] = map.Head;
            request.HttpContext.Response.Headers["X-Explained-Label"] = map.Label;
            return new BinaryBodyResult(png, PngMediaType);
        }

        var (top, threshold) = PredictHandler.ReadQuery(request.Query);
        var examples = PredictHandler.ReadExamples(request.Query);
        var response = await api.ExplainAsync(request, target, top, threshold, examples, request.HttpContext.RequestAborted);
        return new JsonBodyResult<PredictResponse>(response, ApiJsonContext.Default.PredictResponse);
    }

    /// <summary>PNG when the caller's Accept ranks image/png above JSON (a bare <c>*/*</c> or none means JSON).</summary>
    public static bool WantsPng(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted) || accepted.Count == 0)
        {
            return false;
        }

        double Quality(string type) => accepted.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1d).DefaultIfEmpty(0d).Max();
        var png = Math.Max(Quality(PngMediaType), Quality("image/*"));
        var json = Math.Max(Quality("application/json"), Quality("*/*"));
        if (png == 0d && json == 0d)
        {
            throw HttpApiException.NotAcceptable($"Accept '{request.Headers.Accept}' names neither application/json nor {PngMediaType}.");
        }

        return png > json;
    }
}
