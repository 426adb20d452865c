using System.Text.Json.Serialization;

namespace SmartCity.Functions.Security;

/// <summary>Source-generated JSON of the platform's client principal (names as the platform writes them).</summary>
[JsonSerializable(typeof(ClientPrincipalBody))]
public sealed partial class ClientPrincipalJsonContext : JsonSerializerContext;
