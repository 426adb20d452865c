using System.Text.Json.Serialization;

namespace SmartCity.Functions.Models;

/// <summary>Source-generated JSON of what the repository store writes beside the versions (camelCase, indented).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ModelChange))]
public sealed partial class ModelStoreJsonContext : JsonSerializerContext;
