using System.Text.Json.Serialization;

namespace SmartCity.Functions.Http.CustomVision;

/// <summary>Source-generated JSON of the Custom Vision Prediction API v3.0 wire types, with the spec's camelCase names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CustomVisionImagePrediction))]
[JsonSerializable(typeof(CustomVisionError))]
public sealed partial class CustomVisionJsonContext : JsonSerializerContext;
