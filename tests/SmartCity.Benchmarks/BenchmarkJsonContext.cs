using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks;

[JsonSerializable(typeof(ColdChild.Report))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
