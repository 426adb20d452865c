using System.Text.Json.Serialization;

namespace SmartCity.Functions.Training;

/// <summary>Source-generated JSON of training requests, jobs and messages (camelCase).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(TrainingJobRequest))]
[JsonSerializable(typeof(TrainingJobDocument))]
[JsonSerializable(typeof(TrainingJobMessage))]
[JsonSerializable(typeof(TrainingJobView))]
[JsonSerializable(typeof(List<TrainingImage>))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
