namespace SmartCity.Functions.Http.OpenInference;

/// <summary><c>$metadata_server_response</c>.</summary>
public sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);
