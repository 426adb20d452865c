using Microsoft.AspNetCore.Http;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// Who asked for a change, for the model's history. These routes take the master key, which
/// names nobody: the signed-in principal is taken from App Service Authentication's
/// <c>X-MS-CLIENT-PRINCIPAL-NAME</c> header when it is on, else the caller is "admin key".
/// </summary>
public static class Actor
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-NAME";
    public const string AdminKey = "admin key";

    public static string Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var principal = request.Headers[PrincipalHeader].ToString();
        return string.IsNullOrWhiteSpace(principal) ? AdminKey : principal.Trim();
    }
}
