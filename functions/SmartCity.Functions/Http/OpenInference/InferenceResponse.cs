namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$inference_response</c>.</summary>
public sealed record InferenceResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<ResponseOutput> Outputs);
