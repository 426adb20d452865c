namespace SmartCity.Functions.Http.OpenInference;

/// <summary>The parameters of a <see cref="ResponseOutput"/>: <c>binary_data_size</c>, the size of its bytes after the JSON.</summary>
public sealed record ResponseOutputParameters(long? BinaryDataSize);
