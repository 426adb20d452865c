using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SmartCity.Inference;

namespace SmartCity.Functions.Http;

/// <summary>
/// The one place exceptions become HTTP answers, from one table of failure codes. The project's
/// own API answers with <c>application/problem+json</c> (RFC 9457) whose <c>type</c> is
/// <see cref="TypePrefix"/> and the code; routes under <c>/api/v2</c> answer as the Open
/// Inference Protocol says: <c>{"error": "..."}</c>. Returns null for exceptions that are not
/// the caller's doing (those stay 500s and are logged).
/// </summary>
public static class ProblemMapping
{
    public const string TypePrefix = "urn:smartcity:problem:";

    private static readonly TimeSpan ModelRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>An <see cref="InferenceException"/> whose code is not in <see cref="Types"/>.</summary>
    public static readonly ProblemType Unlisted = new(400, "The request failed.");

    /// <summary>Every failure code the API answers, with its status and title.</summary>
    public static IReadOnlyDictionary<string, ProblemType> Types { get; } = new Dictionary<string, ProblemType>(StringComparer.Ordinal)
    {
        // The request (HttpApiException, and the camera API's CameraQueryException)
        ["invalid-query"] = new(400, "A query parameter is invalid."),
        ["malformed-json"] = new(400, "The request is malformed."),
        ["malformed-multipart"] = new(400, "The request is malformed."),
        ["no-images"] = new(400, "The request is malformed."),
        ["bad-base64"] = new(400, "The request is malformed."),
        ["invalid-inference-request"] = new(400, "The request is malformed."),
        ["payload-too-large"] = new(413, "The request body is too large."),
        ["too-many-images"] = new(413, "The request has too many images."),
        ["unsupported-media-type"] = new(415, "The content type is not supported."),
        ["not-ready"] = new(503, "The server is not ready."),
        ["not-acceptable"] = new(406, "The requested media type cannot be answered."),
        ["dashboard-file-not-found"] = new(404, "The dashboard has no such file."),

        // The image (ImageProblemException)
        ["empty-image"] = new(400, "The image cannot be read."),
        ["unsupported-format"] = new(400, "The image cannot be read."),
        ["corrupt-image"] = new(400, "The image cannot be read."),
        ["too-many-pixels"] = new(422, "The image has too many pixels."),

        // The model and the engine
        ["model-not-found"] = new(404, "The model or version does not exist."),
        ["invalid-tensor"] = new(400, "The tensor does not fit the model."),
        ["non-finite-output"] = new(422, "The model's output for this input is not a finite number."),
        ["queue-full"] = new(503, "The server is busy."),
        ["model-load-failed"] = new(503, "The model cannot be served.", ModelRetryAfter),
        ["invalid-manifest"] = new(503, "The model cannot be served.", ModelRetryAfter),
        ["model-unavailable"] = new(503, "The model or version is not served.", ModelRetryAfter),

        // The model repository (publish, default, retire, load/unload)
        ["invalid-package"] = new(400, "The model package is invalid."),
        ["version-not-servable"] = new(409, "The version cannot be served."),
        ["version-is-default"] = new(409, "The version is the default."),
        ["no-previous-default"] = new(409, "There is no previous default."),
        ["concurrent-change"] = new(409, "The model changed meanwhile."),

        // Training jobs
        ["invalid-training-request"] = new(400, "The training request is invalid."),
        ["training-job-not-found"] = new(404, "The training job does not exist."),
        ["invalid-calibration-request"] = new(400, "The calibration request is invalid."),
        ["calibration-job-not-found"] = new(404, "The calibration job does not exist."),
        ["invalid-reclassification-request"] = new(400, "The reclassification request is invalid."),
        ["reclassification-not-found"] = new(404, "The reclassification does not exist."),

        // The Custom Vision routes (CustomVisionException)
        ["prediction-key-invalid"] = new(401, "The Prediction-Key is missing or invalid."),
        ["project-not-found"] = new(404, "The Custom Vision project is not served here."),
        ["iteration-not-found"] = new(404, "The Custom Vision iteration is not served here."),
        ["wrong-task"] = new(400, "The iteration does not do what the route asks."),
        ["image-url-forbidden"] = new(403, "The image URL is not allowed."),
        ["image-url-invalid"] = new(400, "The image URL cannot be fetched."),
    };

    /// <summary>
    /// How the Custom Vision routes answer each failure code: the status and a code of the spec's
    /// <c>CustomVisionErrorCodes</c> (Prediction.json v3.0). A code missing here answers 400 <c>BadRequest</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, (int Status, string Code)> CustomVisionCodes { get; } = new Dictionary<string, (int, string)>(StringComparer.Ordinal)
    {
        ["invalid-query"] = (400, "BadRequestPredictionInvalidQueryParameters"),
        ["malformed-json"] = (400, "BadRequestImageStream"),
        ["malformed-multipart"] = (400, "BadRequestImageStream"),
        ["no-images"] = (400, "BadRequestImageStream"),
        ["bad-base64"] = (400, "BadRequestImageStream"),
        ["payload-too-large"] = (400, "BadRequestImageSizeBytes"),
        ["too-many-pixels"] = (400, "BadRequestImageSizeBytes"),
        ["unsupported-media-type"] = (415, "UnsupportedMediaType"),
        ["empty-image"] = (400, "BadRequestImageFormat"),
        ["unsupported-format"] = (400, "BadRequestImageFormat"),
        ["corrupt-image"] = (400, "BadRequestImageFormat"),
        ["model-not-found"] = (404, "NotFoundIteration"),
        ["prediction-key-invalid"] = (401, "Unauthorized"),
        ["project-not-found"] = (404, "NotFoundProject"),
        ["iteration-not-found"] = (404, "NotFoundIteration"),
        ["wrong-task"] = (400, "BadRequestNotSupported"),
        ["image-url-forbidden"] = (403, "Forbidden"),
        ["image-url-invalid"] = (400, "BadRequestImageUrl"),
        ["not-ready"] = (503, "ErrorPredictionServiceUnavailable"),
        ["queue-full"] = (503, "ErrorPredictionServiceUnavailable"),
        ["model-load-failed"] = (503, "ErrorPredictionServiceUnavailable"),
        ["invalid-manifest"] = (503, "ErrorPredictionServiceUnavailable"),
        ["model-unavailable"] = (503, "ErrorPredictionServiceUnavailable"),
    };

    public static IActionResult? ToResult(Exception exception, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (FailureOf(exception) is not { } failure)
        {
            return null;
        }

        var type = Types.GetValueOrDefault(failure.Code, Unlisted);
        var retryAfter = failure.RetryAfter ?? type.RetryAfter;
        // The public message: what failed, without server paths or ONNX Runtime's messages (those are logged).
        var detail = failure.PublicMessage;
        if (IsCustomVision(request))
        {
            var (status, code) = CustomVisionCodes.GetValueOrDefault(failure.Code, (400, "BadRequest"));
            return new JsonBodyResult<CustomVision.CustomVisionError>(new(code, detail), CustomVision.CustomVisionJsonContext.Default.CustomVisionError, status, "application/json", status == 503 ? retryAfter : null);
        }

        return IsOpenInferenceProtocol(request)
            ? new JsonBodyResult<OpenInferenceError>(new OpenInferenceError(detail), ApiJsonContext.Default.OpenInferenceError, type.Status, "application/json", retryAfter)
            : new JsonBodyResult<ProblemDetailsBody>(
                new ProblemDetailsBody(TypePrefix + failure.Code, type.Title, type.Status, detail, request.Path.Value),
                ApiJsonContext.Default.ProblemDetailsBody,
                type.Status,
                "application/problem+json",
                retryAfter);
    }

    /// <summary>The code of the failure an exception reports, or null when it is not the caller's doing.</summary>
    public static string? CodeOf(Exception exception) => FailureOf(exception)?.Code;

    /// <summary>The Custom Vision Prediction API routes, which answer the spec's <c>{"code", "message"}</c>.</summary>
    public static bool IsCustomVision(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/customvision", StringComparison.OrdinalIgnoreCase);

    public static bool IsOpenInferenceProtocol(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v2", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The first failure with a code in the exception and its inner exceptions: what the
    /// function threw may reach the middleware wrapped (an <see cref="AggregateException"/>, a
    /// <see cref="System.Reflection.TargetInvocationException"/>), so no wrapper type is named.
    /// </summary>
    public static InferenceException? FailureOf(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is InferenceException failure)
            {
                return failure;
            }
        }

        return null;
    }
}
