using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SmartCity.Functions.Security;

/// <summary>
/// Worker middleware for the functions of <see cref="FunctionRoles"/>: when Easy Auth is on
/// (<see cref="EasyAuthOptions"/>), a caller without the function's app role is answered by
/// <see cref="AppRoleCheck"/> and the function does not run. When it is off, every call passes
/// through unchanged (the function keys are then the only check). Logs the refusal, never a header.
/// </summary>
public sealed partial class AppRoleMiddleware(IOptions<EasyAuthOptions> options, ILogger<AppRoleMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } httpContext && RefusalFor(context.FunctionDefinition.Name, httpContext.Request) is { } refusal)
        {
            // The ASP.NET Core integration executes the invocation's IActionResult after the pipeline.
            context.GetInvocationResult().Value = refusal;
            return;
        }

        await next(context);
    }

    /// <summary>What a call of a function is answered instead of running it, or null to run it.</summary>
    public IActionResult? RefusalFor(string functionName, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!options.Value.Enabled || FunctionRoles.For(functionName) is not { } role || AppRoleCheck.Check(request, role) is not { } refusal)
        {
            return null;
        }

        LogRefused(logger, functionName, role);
        return refusal;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call of {Function} refused: the caller has no Entra ID principal with the app role {Role}")]
    private static partial void LogRefused(ILogger logger, string function, string role);
}
