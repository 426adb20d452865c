using System.Text.Json.Serialization;

namespace SmartCity.Functions.Training;

/// <summary>Source-generated JSON of training and calibration requests, jobs and messages (camelCase).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(TrainingJobRequest))]
[JsonSerializable(typeof(TrainingJobDocument))]
[JsonSerializable(typeof(TrainingJobMessage))]
[JsonSerializable(typeof(TrainingJobView))]
[JsonSerializable(typeof(List<TrainingImage>))]
[JsonSerializable(typeof(CalibrationJobRequest))]
[JsonSerializable(typeof(CalibrationJobDocument))]
[JsonSerializable(typeof(CalibrationJobView))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
