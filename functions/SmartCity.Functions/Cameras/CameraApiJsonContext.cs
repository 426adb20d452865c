using System.Text.Json.Serialization;
using SmartCity.Cameras.Storage;

namespace SmartCity.Functions.Cameras;

/// <summary>Source-generated camelCase JSON of the camera API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CameraClassificationPage))]
[JsonSerializable(typeof(CameraSummary))]
[JsonSerializable(typeof(CameraList))]
public sealed partial class CameraApiJsonContext : JsonSerializerContext;
