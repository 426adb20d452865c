using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SmartCity.Functions.Http;

/// <summary>
/// <c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of every HTTP function (the committed
/// <c>openapi.json</c>, embedded in the assembly). A function key, like the routes it describes:
/// the security chapter keeps anonymous only what probes and Prediction-Key callers need, and the
/// document tells an outsider every admin route there is.
/// </summary>
public sealed class OpenApiFunctions
{
    public const string ResourceName = "SmartCity.Functions.openapi.json";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiFunctions).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly has no resource {ResourceName}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The document's bytes, as served.</summary>
    public static ReadOnlyMemory<byte> DocumentBytes => Document.Value;

    [Function(nameof(GetOpenApiDocument))]
    public IActionResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest request) =>
        new BinaryBodyResult(Document.Value, "application/json; charset=utf-8");
}
