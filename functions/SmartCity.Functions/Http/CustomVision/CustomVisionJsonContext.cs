using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>Source-generated JSON of the Custom Vision Prediction API v3.0 wire types, with the spec's camelCase names (read case-insensitively: the SDKs send <c>url</c>, some samples <c>Url</c>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CustomVisionImagePrediction))]
[JsonSerializable(typeof(CustomVisionError))]
[JsonSerializable(typeof(CustomVisionImageUrl))]
public sealed partial class CustomVisionJsonContext : JsonSerializerContext;
