using System.Text.Json;

namespace SmartCity.Functions.Http.Repository;

/// <summary>
/// The body of Triton's <c>load</c> and <c>unload</c> (<c>$repository_load_request</c>,
/// <c>$repository_unload_request</c>): optional parameters. This server reads <c>reason</c>, which
/// the model's history records; other parameters are ignored.
/// </summary>
public sealed class RepositoryModelRequest
{
    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public string? Reason => Parameters is not null && Parameters.TryGetValue("reason", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
