using System.Text.Json.Serialization;

namespace SmartCity.Cameras.Storage;

/// <summary>Source-generated JSON of the pipeline's documents and table columns (camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CameraClassificationDocument))]
[JsonSerializable(typeof(CameraRejectionDocument))]
[JsonSerializable(typeof(CameraExplanationDocument))]
[JsonSerializable(typeof(LabelScore[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(Dictionary<string, float>))]
public sealed partial class CameraJsonContext : JsonSerializerContext;
