using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SmartCity.Functions.Security;

/// <summary>
/// The caller as App Service authentication describes it in <c>X-MS-CLIENT-PRINCIPAL</c>: which
/// identity provider signed them in, and the app roles of their token. Trust it only when Easy
/// Auth is on (<see cref="EasyAuthOptions"/>): the platform then writes the header and strips the
/// copies clients send; otherwise anyone can send one.
/// </summary>
public sealed class ClientPrincipal
{
    public const string HeaderName = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The identity provider of Microsoft Entra ID, as the platform names it.</summary>
    public const string EntraIdProvider = "aad";

    /// <summary>Claim types of app roles: Entra ID's <c>roles</c> as the token has it (the platform passes it unmapped), and .NET's role type; the principal's own <c>role_typ</c> is added.</summary>
    private static readonly string[] RoleClaimTypes = ["roles", ClaimTypes.Role];

    private readonly HashSet<string> _roles;

    private ClientPrincipal(string identityProvider, HashSet<string> roles)
    {
        IdentityProvider = identityProvider;
        _roles = roles;
    }

    /// <summary>The platform's name of the identity provider (<c>aad</c> for Entra ID).</summary>
    public string IdentityProvider { get; }

    /// <summary>The app roles of the caller, as the token lists them.</summary>
    public IReadOnlyCollection<string> Roles => _roles;

    /// <summary>Whether the caller has an app role (exact, case-sensitive, as Entra ID issues it).</summary>
    public bool IsInRole(string role) => _roles.Contains(role);

    /// <summary>The principal of a request, or null when it has no header or one that is not base64 JSON of a principal.</summary>
    public static ClientPrincipal? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[HeaderName];
        return header.Count == 1 && !string.IsNullOrWhiteSpace(header[0]) ? Parse(header[0]!) : null;
    }

    /// <summary>The principal a header value encodes, or null when it is not base64 JSON of a principal.</summary>
    public static ClientPrincipal? Parse(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        var bytes = new byte[((headerValue.Length * 3) + 3) / 4];
        if (!Convert.TryFromBase64String(headerValue.Trim(), bytes, out var length))
        {
            return null;
        }

        ClientPrincipalBody? body;
        try
        {
            body = JsonSerializer.Deserialize(bytes.AsSpan(0, length), ClientPrincipalJsonContext.Default.ClientPrincipalBody);
        }
        catch (JsonException)
        {
            return null;
        }

        if (body?.AuthenticationType is not { Length: > 0 } provider)
        {
            return null;
        }

        var roleTypes = body.RoleClaimType is { Length: > 0 } declared ? [.. RoleClaimTypes, declared] : RoleClaimTypes;
        var roles = (body.Claims ?? [])
            .Where(c => c.Type is not null && c.Value is { Length: > 0 } && roleTypes.Contains(c.Type, StringComparer.Ordinal))
            .Select(c => c.Value!)
            .ToHashSet(StringComparer.Ordinal);
        return new ClientPrincipal(provider, roles);
    }
}
