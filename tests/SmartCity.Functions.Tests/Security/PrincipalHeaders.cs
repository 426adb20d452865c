using System.Text;
using System.Text.Json;
using SmartCity.Functions.Security;

namespace SmartCity.Functions.Tests.Security;

/// <summary>X-MS-CLIENT-PRINCIPAL values shaped as App Service authentication writes them for an Entra ID access token.</summary>
internal static class PrincipalHeaders
{
    public const string RoleClaimType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";

    /// <summary>Base64 of the principal JSON; each role as its own claim of <paramref name="roleClaimType"/> (Entra ID's tokens: "roles").</summary>
    public static string For(string provider = ClientPrincipal.EntraIdProvider, string roleClaimType = "roles", params string[] roles)
    {
        var claims = new List<object>
        {
            new { typ = "aud", val = "11111111-2222-3333-4444-555555555555" },
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = "00000000-0000-0000-0000-000000000001" },
            new { typ = "name", val = "Camera Operator" },
        };
        claims.AddRange(roles.Select(r => new { typ = roleClaimType, val = r }));
        var json = JsonSerializer.Serialize(new
        {
            auth_typ = provider,
            claims,
            name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            role_typ = RoleClaimType,
        });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }

    public static Microsoft.AspNetCore.Http.HttpContext Request(string path, string? principal)
    {
        var context = HttpTestHost.Request("GET", path);
        if (principal is not null)
        {
            context.Request.Headers[ClientPrincipal.HeaderName] = principal;
        }

        return context;
    }
}
