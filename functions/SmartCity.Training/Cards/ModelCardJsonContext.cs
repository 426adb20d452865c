using System.Text.Json.Serialization;

namespace SmartCity.Training.Cards;

/// <summary>Source-generated JSON of <c>card.json</c> (camelCase, indented, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(ModelCard))]
public sealed partial class ModelCardJsonContext : JsonSerializerContext;
