using System.Text.Json.Serialization;

namespace SmartCity.Benchmarks;

[JsonSerializable(typeof(ColdChild.Report))]
[JsonSerializable(typeof(FootprintChild.Report), TypeInfoPropertyName = "FootprintReport")]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
