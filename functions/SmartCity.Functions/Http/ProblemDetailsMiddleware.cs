using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace SmartCity.Functions.Http;

/// <summary>
/// Worker middleware for every HTTP function: an exception the caller caused becomes its 4xx
/// (or 503) answer through <see cref="ProblemMapping"/>; anything else is logged and answered
/// with a bare 500 problem that reveals nothing. Non-HTTP invocations pass through untouched.
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
            context.GetInvocationResult().Value = Map(Unwrap(exception), httpContext.Request, logger);
        }
    }

    /// <summary>What the middleware answers for an exception (used by tests too).</summary>
    public static IActionResult Map(Exception exception, HttpRequest request, ILogger logger)
    {
        var result = ProblemMapping.ToResult(exception, request);
        if (result is not null)
        {
            var reason = exception.GetType().Name;
            LogRejected(logger, request.Path.Value, reason);
            return result;
        }

        LogFailed(logger, exception, request.Path.Value);
        var body = new ProblemDetailsBody(ProblemMapping.TypePrefix + "internal-error", "The server failed to answer.", 500, "An unexpected error occurred; it has been logged.", request.Path.Value);
        return ProblemMapping.IsOpenInferenceProtocol(request)
            ? new JsonBodyResult<OpenInferenceError>(new OpenInferenceError(body.Detail), ApiJsonContext.Default.OpenInferenceError, 500)
            : new JsonBodyResult<ProblemDetailsBody>(body, ApiJsonContext.Default.ProblemDetailsBody, 500, "application/problem+json");
    }

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0])
        : exception.GetType().Name == "FunctionInvocationException" && exception.InnerException is not null ? Unwrap(exception.InnerException)
        : exception;

    [LoggerMessage(Level = LogLevel.Information, Message = "Request to {Path} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string? path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? path);
}
