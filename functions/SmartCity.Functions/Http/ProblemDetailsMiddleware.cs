using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace SmartCity.Functions.Http;

/// <summary>
/// Worker middleware for every HTTP function: an exception the caller caused becomes its 4xx
/// (or 503) answer through <see cref="ProblemMapping"/>, whose detail is the failure's public
/// message (a model that cannot load is named, its file and ONNX Runtime's message are logged);
/// anything else is logged and answered with a bare 500 problem that reveals nothing. Non-HTTP
/// invocations pass through untouched.
/// </summary>
public sealed partial class ProblemDetailsMiddleware(ILogger<ProblemDetailsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { } httpContext && !httpContext.RequestAborted.IsCancellationRequested)
        {
            // The ASP.NET Core integration executes the invocation's IActionResult after the pipeline.
            context.GetInvocationResult().Value = Map(exception, httpContext.Request, logger);
        }
    }

    /// <summary>
    /// What the middleware answers for an exception, as the function threw it or wrapped (used by
    /// tests too): <see cref="ProblemMapping"/> finds the failure inside any wrapper.
    /// </summary>
    public static IActionResult Map(Exception exception, HttpRequest request, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ProblemMapping.ToResult(exception, request) is { } result)
        {
            var failure = ProblemMapping.FailureOf(exception)!;
            if (failure.PublicMessage == failure.Message)
            {
                LogRejected(logger, request.Path.Value, failure.Code);
            }
            else
            {
                // The answer says only what failed; the operator needs the rest.
                LogFailedOnTheServer(logger, exception, request.Path.Value, failure.Code);
            }

            return result;
        }

        LogFailed(logger, exception, request.Path.Value);
        var body = new ProblemDetailsBody(ProblemMapping.TypePrefix + "internal-error", "The server failed to answer.", 500, "An unexpected error occurred; it has been logged.", request.Path.Value);
        if (ProblemMapping.IsCustomVision(request))
        {
            return new JsonBodyResult<CustomVision.CustomVisionError>(new("ErrorUnknown", body.Detail), CustomVision.CustomVisionJsonContext.Default.CustomVisionError, 500);
        }

        return ProblemMapping.IsOpenInferenceProtocol(request)
            ? new JsonBodyResult<OpenInferenceError>(new OpenInferenceError(body.Detail), ApiJsonContext.Default.OpenInferenceError, 500)
            : new JsonBodyResult<ProblemDetailsBody>(body, ApiJsonContext.Default.ProblemDetailsBody, 500, "application/problem+json");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request to {Path} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string? path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request to {Path} answered {Reason}: the server cannot serve it")]
    private static partial void LogFailedOnTheServer(ILogger logger, Exception exception, string? path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? path);
}
