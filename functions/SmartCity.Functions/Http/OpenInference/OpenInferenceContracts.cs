using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http.OpenInference;

// Wire types of the Open Inference Protocol (KServe v2) REST API, named as the spec spells them:
// https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md

/// <summary><c>$metadata_server_response</c>.</summary>
public sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary><c>$live_server_response</c>.</summary>
public sealed record ServerLiveResponse(bool Live);

/// <summary><c>$ready_server_response</c> (the spec's schema repeats <c>live</c> here; <c>ready</c> is what it means).</summary>
public sealed record ServerReadyResponse(bool Ready);

/// <summary><c>$ready_model_response</c>.</summary>
public sealed record ModelReadyResponse(string Name, bool Ready);

/// <summary><c>$metadata_model_response</c>.</summary>
public sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform, IReadOnlyList<MetadataTensor> Inputs, IReadOnlyList<MetadataTensor> Outputs);

/// <summary><c>$metadata_tensor</c>: variable dimensions are -1.</summary>
public sealed record MetadataTensor(string Name, string Datatype, long[] Shape);

/// <summary><c>$inference_request</c>.</summary>
public sealed class InferenceRequest
{
    public string? Id { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public List<RequestInput>? Inputs { get; set; }

    public List<RequestOutput>? Outputs { get; set; }
}

/// <summary><c>$request_input</c>: <c>data</c> is flat or nested, row-major.</summary>
public sealed class RequestInput
{
    public string? Name { get; set; }

    public long[]? Shape { get; set; }

    public string? Datatype { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }

    public JsonElement Data { get; set; }
}

/// <summary><c>$request_output</c>; <c>parameters.classification</c> asks for the top-k classes (Triton's classification extension).</summary>
public sealed class RequestOutput
{
    public string? Name { get; set; }

    public Dictionary<string, JsonElement>? Parameters { get; set; }
}

/// <summary><c>$inference_response</c>.</summary>
public sealed record InferenceResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<ResponseOutput> Outputs);

/// <summary><c>$response_output</c>: <c>data</c> is a flat <c>float[]</c> (FP32) or <c>string[]</c> (BYTES).</summary>
public sealed record ResponseOutput(string Name, string Datatype, long[] Shape, object Data);

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
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string[]))]
public sealed partial class OpenInferenceJsonContext : JsonSerializerContext;
