using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SmartCity.Inference.Runtime;

namespace SmartCity.Functions.Http;

/// <summary>
/// <c>GET /api/health/live</c> (the worker answers) and <c>GET /api/health/ready</c> (the warm-up
/// models are loaded; otherwise 503 with the reason and <c>Retry-After</c>). Anonymous, for probes.
/// </summary>
public sealed class HealthFunctions(InferenceEngine engine)
{
    public static readonly TimeSpan NotReadyRetryAfter = TimeSpan.FromSeconds(5);

    [Function(nameof(HealthLive))]
    public IActionResult HealthLive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest request) =>
        new JsonBodyResult<HealthBody>(new HealthBody("live"), ApiJsonContext.Default.HealthBody);

    [Function(nameof(HealthReady))]
    public IActionResult HealthReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest request) =>
        engine.NotReadyReason is { } reason
            ? throw HttpApiException.NotReady(reason, NotReadyRetryAfter)
            : new JsonBodyResult<HealthBody>(new HealthBody("ready"), ApiJsonContext.Default.HealthBody);
}
