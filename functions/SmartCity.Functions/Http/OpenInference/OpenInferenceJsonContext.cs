using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http.OpenInference;

/// <summary>
/// Source-generated JSON of the wire types of the Open Inference Protocol (KServe v2) REST API,
/// one type per schema of the spec and named as it spells them, with its snake_case member names:
/// https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerMetadataResponse))]
[JsonSerializable(typeof(ServerLiveResponse))]
[JsonSerializable(typeof(ServerReadyResponse))]
[JsonSerializable(typeof(ModelReadyResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
[JsonSerializable(typeof(InferenceRequest))]
[JsonSerializable(typeof(InferenceResponse))]
[JsonSerializable(typeof(Repository.RepositoryIndexRequest))]
[JsonSerializable(typeof(IReadOnlyList<Repository.RepositoryIndexEntry>))]
[JsonSerializable(typeof(Repository.RepositoryModelRequest))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(int[]))]
public sealed partial class OpenInferenceJsonContext : JsonSerializerContext;
