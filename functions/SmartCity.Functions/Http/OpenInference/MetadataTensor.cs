namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$metadata_tensor</c>: variable dimensions are -1.</summary>
public sealed record MetadataTensor(string Name, string Datatype, long[] Shape);
