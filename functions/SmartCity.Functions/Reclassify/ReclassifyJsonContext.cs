using System.Text.Json.Serialization;

namespace SmartCity.Functions.Reclassify;

/// <summary>Source-generated JSON of reclassification requests, jobs, batches and messages (camelCase).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(ReclassifyRequest))]
[JsonSerializable(typeof(ReclassifyJobDocument))]
[JsonSerializable(typeof(ReclassifyMessage))]
[JsonSerializable(typeof(ReclassifyJobView))]
[JsonSerializable(typeof(IReadOnlyList<ReclassifyJobView>))]
[JsonSerializable(typeof(List<ReclassifyItem>))]
[JsonSerializable(typeof(ReclassifyBatchResult))]
public sealed partial class ReclassifyJsonContext : JsonSerializerContext;
