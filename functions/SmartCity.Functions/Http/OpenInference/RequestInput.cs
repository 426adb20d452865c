using System.Text.Json;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$request_input</c>: <c>data</c> is flat or nested, row-major.</summary>
public sealed class RequestInput
{
    public string? Name { get; set; }

    public long[]? Shape { get; set; }

    public string? Datatype { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public JsonElement Data { get; set; }
}
