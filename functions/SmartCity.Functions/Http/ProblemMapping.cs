using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>
/// The one place exceptions become HTTP answers. The project's own API answers with
/// <c>application/problem+json</c> (RFC 9457) whose <c>type</c> is stable per failure; routes
/// under <c>/api/v2</c> answer as the Open Inference Protocol says: <c>{"error": "..."}</c>.
/// Returns null for exceptions that are not the caller's doing (those stay 500s and are logged).
/// </summary>
public static class ProblemMapping
{
    public const string TypePrefix = "urn:smartcity:problem:";

    public static IActionResult? ToResult(Exception exception, HttpRequest request)
    {
        var (status, code, title, detail, retryAfter) = exception switch
        {
            HttpApiException e => (e.Status, e.Code, e.Title, e.Message, e.RetryAfter),
            SmartCity.Cameras.Storage.CameraQueryException e => (400, "invalid-query", "The request is malformed.", e.Message, (TimeSpan?)null),
            ImagePartException e => Describe(e.Inner) with { Detail = e.Message },
            InferenceException e => Describe(e),
            _ => default,
        };

        if (status == 0)
        {
            return null;
        }

        return IsOpenInferenceProtocol(request)
            ? new JsonBodyResult<OpenInferenceError>(new OpenInferenceError(detail), ApiJsonContext.Default.OpenInferenceError, status, "application/json", retryAfter)
            : new JsonBodyResult<ProblemDetailsBody>(
                new ProblemDetailsBody(TypePrefix + code, title, status, detail, request.Path.Value),
                ApiJsonContext.Default.ProblemDetailsBody,
                status,
                "application/problem+json",
                retryAfter);
    }

    public static bool IsOpenInferenceProtocol(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v2", StringComparison.OrdinalIgnoreCase);

    private static (int Status, string Code, string Title, string Detail, TimeSpan? RetryAfter) Describe(InferenceException exception) => exception switch
    {
        ModelNotFoundException => (404, exception.Code, "The model or version does not exist.", exception.Message, null),
        EmptyImageException or UnsupportedImageFormatException or CorruptImageException =>
            (400, exception.Code, "The image cannot be read.", exception.Message, null),
        InvalidTensorException => (400, exception.Code, "The tensor does not fit the model.", exception.Message, null),
        ImageTooLargeException => (422, exception.Code, "The image has too many pixels.", exception.Message, null),
        InferenceQueueFullException full => (503, exception.Code, "The server is busy.", exception.Message, full.RetryAfter),
        ModelLoadException or ModelManifestException => (503, exception.Code, "The model cannot be served.", exception.Message, TimeSpan.FromSeconds(30)),
        _ => (400, exception.Code, "The request failed.", exception.Message, null),
    };
}
