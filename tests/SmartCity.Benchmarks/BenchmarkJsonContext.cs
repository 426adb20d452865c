using System.Text.Json.Serialization;

namespace SmartCity.Benchmarks;

[JsonSerializable(typeof(ColdChild.Report))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
