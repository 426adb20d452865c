using System.Text.Json;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$inference_request</c>.</summary>
public sealed class InferenceRequest
{
    public string? Id { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public List<RequestInput>? Inputs { get; set; }

    public List<RequestOutput>? Outputs { get; set; }
}
