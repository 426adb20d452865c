using System.Text.Json.Serialization;

namespace SmartCity.Functions.Security;

/// <summary>
/// The JSON that App Service authentication sends, base64-encoded, in <c>X-MS-CLIENT-PRINCIPAL</c>:
/// the identity provider and the token's claims, with the property names the platform uses.
/// </summary>
public sealed record ClientPrincipalBody(
    [property: JsonPropertyName("auth_typ")] string? AuthenticationType,
    [property: JsonPropertyName("claims")] IReadOnlyList<ClientPrincipalClaim>? Claims,
    [property: JsonPropertyName("name_typ")] string? NameClaimType,
    [property: JsonPropertyName("role_typ")] string? RoleClaimType);
