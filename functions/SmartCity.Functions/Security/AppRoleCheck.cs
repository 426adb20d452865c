using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SmartCity.Functions.Http;

namespace SmartCity.Functions.Security;

/// <summary>
/// The role check of a request when Easy Auth is on: no answer (null) when the principal the
/// platform passed has the role; otherwise the problem to answer: 401 without an Entra ID
/// principal (no token was sent: a function key alone is not enough), 403 with one that lacks
/// the role. Both are <c>application/problem+json</c> of the API's one shape.
/// </summary>
public static class AppRoleCheck
{
    public const string UnauthenticatedCode = "unauthenticated";

    public const string ForbiddenCode = "forbidden";

    public static IActionResult? Check(HttpRequest request, string role)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(role);
        var principal = ClientPrincipal.From(request);
        if (principal is null || principal.IdentityProvider != ClientPrincipal.EntraIdProvider)
        {
            return new ChallengeResult(Problem(
                request,
                UnauthenticatedCode,
                "Authentication is required.",
                401,
                $"This route needs a Microsoft Entra ID access token (Authorization: Bearer) with the app role '{role}'."));
        }

        return principal.IsInRole(role)
            ? null
            : Problem(request, ForbiddenCode, "The caller lacks the app role.", 403, $"This route needs the app role '{role}', which the caller's token does not have.");
    }

    private static JsonBodyResult<ProblemDetailsBody> Problem(HttpRequest request, string code, string title, int status, string detail) =>
        new(new ProblemDetailsBody(ProblemMapping.TypePrefix + code, title, status, detail, request.Path.Value), ApiJsonContext.Default.ProblemDetailsBody, status, "application/problem+json");

    /// <summary>A 401 problem with the <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750).</summary>
    private sealed class ChallengeResult(JsonBodyResult<ProblemDetailsBody> problem) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return problem.ExecuteResultAsync(context);
        }
    }
}
