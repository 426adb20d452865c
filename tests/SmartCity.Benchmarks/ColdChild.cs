using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SmartCity.Inference;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks;

/// <summary>
/// The child side of the cold-start scenario: started fresh, it loads and warms vehicle-type,
/// answers one frame, and prints one line of JSON with its timings.
/// </summary>
public static class ColdChild
{
    public const string Argument = "--cold-child";
    public const string Prefix = "COLD-CHILD ";

    public sealed record Report(double MainMs, double ReadyMs, double FirstAnswerMs, Dictionary<string, double> Sessions, double PeakWorkingSetMb, string Answer);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var mainAt = DateTime.UtcNow;
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var startedAt = new DateTime(long.Parse(Value("--start-ticks") ?? throw new ArgumentException("--start-ticks is required."), ReportFormat.Culture), DateTimeKind.Utc);
        var logger = new SessionLoadLogger();
        var options = new InferenceOptions
        {
            ModelsPath = Value("--models"),
            OptimizedModelCache = Value("--cache") is not null,
            OptimizedModelCachePath = Value("--cache"),
        };
        await using var engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options, logger);
        var model = engine.Repository.Get(BenchmarkContext.VehicleType, Value("--version"));
        await engine.WarmUpAsync(model);
        var readyAt = DateTime.UtcNow;
        var frame = await File.ReadAllBytesAsync(Value("--frame") ?? throw new ArgumentException("--frame is required."));
        var prediction = await engine.PredictAsync(model, frame);
        var answeredAt = DateTime.UtcNow;
        using var process = Process.GetCurrentProcess();
        var report = new Report(
            (mainAt - startedAt).TotalMilliseconds,
            (readyAt - startedAt).TotalMilliseconds,
            (answeredAt - startedAt).TotalMilliseconds,
            logger.Sessions,
            process.PeakWorkingSet64 / 1048576.0,
            prediction.Predictions[0].Label);
        await output.WriteLineAsync(Prefix + JsonSerializer.Serialize(report, BenchmarkJsonContext.Default.Report));
        return 0;
    }

    /// <summary>Keeps the engine's "Loaded ONNX session for {Model} in {Milliseconds} ms" figures.</summary>
    private sealed class SessionLoadLogger : ILogger<InferenceEngine>
    {
        public Dictionary<string, double> Sessions { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                return;
            }

            var format = values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value as string;
            if (format?.StartsWith("Loaded ONNX session", StringComparison.Ordinal) == true
                && values.FirstOrDefault(v => v.Key == "Model").Value is string model
                && values.FirstOrDefault(v => v.Key == "Milliseconds").Value is double ms)
            {
                lock (Sessions)
                {
                    Sessions[model] = ms;
                }
            }
        }
    }
}
