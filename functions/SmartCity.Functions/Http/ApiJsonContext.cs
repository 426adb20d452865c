using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http;

/// <summary>
/// Source-generated JSON for the project's own API (camelCase). Types of the Open Inference
/// Protocol carry their wire names explicitly (<c>[JsonPropertyName]</c>), as the spec spells them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetailsBody))]
[JsonSerializable(typeof(OpenInferenceError))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
