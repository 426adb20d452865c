using System.Text.Json;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$request_output</c>; <c>parameters.classification</c> asks for the top-k classes (Triton's classification extension).</summary>
public sealed class RequestOutput
{
    public string? Name { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }
}
