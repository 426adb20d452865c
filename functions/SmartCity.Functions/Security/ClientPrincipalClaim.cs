using System.Text.Json.Serialization;

namespace SmartCity.Functions.Security;

/// <summary>One claim of <see cref="ClientPrincipalBody"/>: its type and value.</summary>
public sealed record ClientPrincipalClaim(
    [property: JsonPropertyName("typ")] string? Type,
    [property: JsonPropertyName("val")] string? Value);
