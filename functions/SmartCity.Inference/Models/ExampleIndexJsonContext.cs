using System.Text.Json.Serialization;

namespace SmartCity.Inference.Models;

/// <summary>Source-generated JSON of an example index's metadata (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExampleIndexMetadata))]
internal sealed partial class ExampleIndexJsonContext : JsonSerializerContext;
