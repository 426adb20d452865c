using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http;

/// <summary>
/// Source-generated JSON for the project's own API (camelCase). The Open Inference Protocol has
/// its own context with the spec's snake_case names (<see cref="OpenInference.OpenInferenceJsonContext"/>).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetailsBody))]
[JsonSerializable(typeof(OpenInferenceError))]
[JsonSerializable(typeof(PredictResponse))]
[JsonSerializable(typeof(PredictJsonRequest))]
[JsonSerializable(typeof(IReadOnlyList<ModelSummaryBody>))]
[JsonSerializable(typeof(ModelDetailsBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(Repository.ChangeRequest))]
[JsonSerializable(typeof(Repository.PublishedVersionBody))]
[JsonSerializable(typeof(Repository.DefaultVersionBody))]
[JsonSerializable(typeof(Repository.RetiredVersionBody))]
[JsonSerializable(typeof(Repository.ModelHistoryBody))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
