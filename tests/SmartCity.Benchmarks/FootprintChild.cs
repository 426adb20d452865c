using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCity.Inference;
using SmartCity.Inference.Hosting;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks;

/// <summary>
/// The child side of the footprint scenario: a fresh process that serves vehicle-type with one
/// stack, either the engine (<see cref="InferenceEngine"/> with the options given) or raw ONNX
/// Runtime as an application would write it without the engine (the two model files loaded as
/// they are, with ONNX Runtime's default session options, the frame decoded by
/// <see cref="ImagePreprocessor"/> with the scaled decode, backbone <c>Run</c> then head
/// <c>Run</c>). It loads, answers one frame, then answers every frame of the folder with the
/// given number of concurrent callers, and prints one line of JSON: its timings and its own
/// <see cref="Process.PeakWorkingSet64"/> (a fresh process, so a true peak).
/// </summary>
public static class FootprintChild
{
    public const string Argument = "--footprint-child";
    public const string Prefix = "FOOTPRINT-CHILD ";

    public sealed record Report(
        string Stack,
        int ProcessorCount,
        int Callers,
        int Images,
        double LoadMs,
        double ReadyMs,
        double FirstAnswerMs,
        double MsPerImage,
        double ImagesPerSecond,
        double PeakWorkingSetMb,
        double PeakAfterFirstAnswerMb,
        double CpuMsPerImage,
        double CoresUsed);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        var startedAt = new DateTime(long.Parse(Value("--start-ticks") ?? throw new ArgumentException("--start-ticks is required."), ReportFormat.Culture), DateTimeKind.Utc);
        var stack = Value("--stack") ?? "engine";
        var callers = int.Parse(Value("--callers") ?? "1", ReportFormat.Culture);
        var count = int.Parse(Value("--count") ?? "0", ReportFormat.Culture);
        var files = Directory.EnumerateFiles(Value("--frames") ?? throw new ArgumentException("--frames is required."), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        if (count > 0)
        {
            files = [.. Enumerable.Range(0, count).Select(i => files[i % files.Length])];
        }

        var options = new InferenceOptions
        {
            ModelsPath = Value("--models"),
            OptimizedModelCache = Value("--cache") is not null,
            OptimizedModelCachePath = Value("--cache"),
            EnableCpuMemArena = Flag(Value("--arena"), new InferenceOptions().EnableCpuMemArena),
            EnableMemoryPattern = Flag(Value("--pattern"), new InferenceOptions().EnableMemoryPattern),
            MaxBatchSize = int.Parse(Value("--max-batch") ?? "16", ReportFormat.Culture),
        };

        await using IServer server = stack switch
        {
            "raw" => new RawServer(options, int.Parse(Value("--raw-threads") ?? "0", ReportFormat.Culture)),
            "host" => new HostServer(options),
            _ => new EngineServer(options, Value("--model") ?? BenchmarkContext.VehicleType, Value("--version")),
        };
        var loadMs = (DateTime.UtcNow - startedAt).TotalMilliseconds;
        await server.WarmUpAsync();
        var readyMs = (DateTime.UtcNow - startedAt).TotalMilliseconds;
        await server.PredictAsync(await File.ReadAllBytesAsync(files[0]));
        var firstMs = (DateTime.UtcNow - startedAt).TotalMilliseconds;
        using (var beforeRun = Process.GetCurrentProcess())
        {
            var peakAfterFirst = beforeRun.PeakWorkingSet64 / 1048576.0;
            var next = -1;
            var cpuBefore = beforeRun.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < files.Length)
                {
                    await server.PredictAsync(await File.ReadAllBytesAsync(files[i]));
                }
            }));
            await Task.WhenAll(workers);
            var seconds = clock.Elapsed.TotalSeconds;
            using var process = Process.GetCurrentProcess();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var report = new Report(
                stack,
                Environment.ProcessorCount,
                callers,
                files.Length,
                loadMs,
                readyMs,
                firstMs,
                seconds * 1000.0 / files.Length * callers,
                files.Length / seconds,
                process.PeakWorkingSet64 / 1048576.0,
                peakAfterFirst,
                cpu * 1000.0 / files.Length,
                cpu / seconds);
            await output.WriteLineAsync(Prefix + JsonSerializer.Serialize(report, BenchmarkJsonContext.Default.FootprintReport));
        }

        return 0;
    }

    private static bool Flag(string? value, bool fallback) => value is null ? fallback : value is "1" or "true" or "on";

    private interface IServer : IAsyncDisposable
    {
        Task WarmUpAsync();

        Task PredictAsync(byte[] image);
    }

    private sealed class EngineServer : IServer
    {
        private readonly InferenceEngine _engine;
        private readonly ModelVersion _model;

        public EngineServer(InferenceOptions options, string model, string? version)
        {
            _engine = new InferenceEngine(new ModelRepository(options.ResolvedModelsPath), options);
            _model = _engine.Repository.Get(model, version);
        }

        public Task WarmUpAsync() => _engine.WarmUpAsync(_model);

        public Task PredictAsync(byte[] image) => _engine.PredictAsync(_model, image);

        public ValueTask DisposeAsync() => _engine.DisposeAsync();
    }

    /// <summary>
    /// The app's own start-up: a generic host with the engine registered as the function app
    /// registers it (<see cref="InferenceServiceCollectionExtensions.AddInferenceEngine"/>: options
    /// validated at start, the model-name check, the background warm-up of
    /// <c>Inference:WarmUpModels</c> = vehicle-type,traffic-scene); ready when the engine says so.
    /// The Functions host and its gRPC channel are not part of it.
    /// </summary>
    private sealed class HostServer : IServer
    {
        private readonly IHost _host;
        private readonly InferenceEngine _engine;

        public HostServer(InferenceOptions options)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inference:ModelsPath"] = options.ModelsPath,
                ["Inference:WarmUpModels"] = "vehicle-type,traffic-scene",
                ["Inference:OptimizedModelCache"] = options.OptimizedModelCache ? "true" : "false",
                ["Inference:OptimizedModelCachePath"] = options.OptimizedModelCachePath,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddInferenceEngine();
            _host = builder.Build();
            _engine = _host.Services.GetRequiredService<InferenceEngine>();
        }

        public async Task WarmUpAsync()
        {
            await _host.StartAsync();
            while (_engine.NotReadyReason is { } reason)
            {
                if (reason.StartsWith("Warm-up failed", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(reason);
                }

                await Task.Delay(5);
            }
        }

        public Task PredictAsync(byte[] image) => _engine.PredictAsync(BenchmarkContext.VehicleType, null, image);

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    /// <summary>
    /// Raw ONNX Runtime: the files as they are (batch 1), default session options (or, with
    /// <c>--raw-threads N</c>, N intra-op threads), one buffer per call.
    /// </summary>
    private sealed class RawServer : IServer
    {
        private readonly InferenceSession _backbone;
        private readonly InferenceSession _head;
        private readonly TensorFormat _format;
        private readonly ImagePreprocessor _preprocessor;
        private readonly string _backboneInput;
        private readonly string _backboneOutput;
        private readonly string _headInput;
        private readonly RunOptions _runOptions = new();

        public RawServer(InferenceOptions options, int intraOpThreads)
        {
            var repository = new ModelRepository(options.ResolvedModelsPath);
            var vehicle = repository.Get(BenchmarkContext.VehicleType);
            var backbone = vehicle.Backbone ?? throw new InvalidOperationException("vehicle-type has no backbone.");
            using var sessionOptions = new SessionOptions();
            if (intraOpThreads > 0)
            {
                sessionOptions.IntraOpNumThreads = intraOpThreads;
            }

            _backbone = new InferenceSession(backbone.OnnxPath, sessionOptions);
            _head = new InferenceSession(vehicle.OnnxPath, sessionOptions);
            _format = new TensorFormat(backbone.ImageInput);
            _preprocessor = new ImagePreprocessor(options.MaxPixels);
            _backboneInput = _backbone.InputMetadata.Keys.First();
            _backboneOutput = backbone.Manifest.Output?.Name ?? _backbone.OutputMetadata.Keys.First();
            _headInput = _head.InputMetadata.Keys.First();
        }

        public Task WarmUpAsync()
        {
            Run(new float[_format.Length]);
            return Task.CompletedTask;
        }

        public Task PredictAsync(byte[] image)
        {
            var tensor = new float[_format.Length];
            _preprocessor.Preprocess(image, _format, tensor);
            Run(tensor);
            return Task.CompletedTask;
        }

        private void Run(float[] tensor)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(tensor, _format.Shape(1));
            using var features = _backbone.Run(_runOptions, [_backboneInput], [input], [_backboneOutput]);
            var values = features[0].GetTensorDataAsSpan<float>().ToArray();
            using var headInput = OrtValue.CreateTensorValueFromMemory(values, [1, values.Length]);
            using var logits = _head.Run(_runOptions, [_headInput], [headInput], _head.OutputMetadata.Keys.ToArray());
            _ = logits[0].GetTensorDataAsSpan<float>()[0];
        }

        public ValueTask DisposeAsync()
        {
            _backbone.Dispose();
            _head.Dispose();
            _runOptions.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
