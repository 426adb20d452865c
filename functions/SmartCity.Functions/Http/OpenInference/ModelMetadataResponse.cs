namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$metadata_model_response</c>.</summary>
public sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<MetadataTensor> Inputs, IReadOnlyList<MetadataTensor> Outputs);
