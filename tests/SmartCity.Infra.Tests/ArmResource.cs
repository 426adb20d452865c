using System.Text.Json.Nodes;

namespace SmartCity.Infra.Tests;

/// <summary>A resource and the template it is declared in.</summary>
internal sealed record ArmResource(JsonObject Json, ArmTemplate Template)
{
    public string Type => (string?)Json["type"] ?? "";

    /// <summary>The resource's name as written: a literal or an ARM expression.</summary>
    public string RawName => (string?)Json["name"] ?? "";

    public JsonNode? Properties => Json["properties"];

    /// <summary>Resolved value at a path of property names under the resource, e.g. "properties", "sku", "name".</summary>
    public JsonNode? At(params string[] path)
    {
        JsonNode? node = Json;
        foreach (var step in path)
        {
            node = node?[step];
        }

        return Template.Resolve(node);
    }

    public string? StringAt(params string[] path) => At(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : At(path)?.ToJsonString();
}
