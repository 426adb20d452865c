using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks.Scenarios;

/// <summary>
/// 2. The baseline: ONNX Runtime's <c>Run</c> on prepared tensors, with the sessions the engine
/// creates (<see cref="OnnxModel.Load"/>: same options, same dynamic-batch rewrite) and an
/// <see cref="OrtValue"/> over a preallocated buffer. vehicle-type is the backbone Run, the copy
/// of its features and the head Run, as <c>ModelPipeline</c> does; no softmax, no top-k.
/// </summary>
public sealed class RawOnnxScenario : IBenchmarkScenario
{
    public string Id => "raw-onnx";

    public string Title => "2. Raw ONNX Runtime Run (baseline)";

    public Task<ScenarioResult> RunAsync(BenchmarkContext context, BenchmarkFigures figures, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult(Id, Title)
        {
            Columns = ["model", "batch", "ms per batch", "ms per image", "images/s"],
        };
        var options = new InferenceOptions { ModelsPath = context.ModelsPath };
        var embedding = context.Repository.Get(BenchmarkContext.Embedding);
        var vehicle = context.Repository.Get(BenchmarkContext.VehicleType);
        var backboneVersion = vehicle.Backbone ?? embedding;
        using var backbone = Load(backboneVersion, options);
        using var head = Load(vehicle, options);
        using var runOptions = new RunOptions();

        var format = new TensorFormat(backboneVersion.ImageInput);
        var maxBatch = context.BatchSizes.Max();
        var input = new float[maxBatch * format.Length];
        var preprocessor = new ImagePreprocessor(40_000_000);
        for (var i = 0; i < maxBatch; i++)
        {
            preprocessor.Preprocess(context.Frames[i % context.Frames.Count].Bytes, format, input.AsSpan(i * format.Length, format.Length));
        }

        var features = new float[maxBatch * head.InputItemLength];
        string[] headOutputs = [.. vehicle.Heads.Select(h => h.Name ?? head.OutputName)];

        void RunEmbedding(int batch)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, batch * format.Length), format.Shape(batch));
            using var outputs = backbone.Session.Run(runOptions, [backbone.InputName], [value], [backbone.OutputName]);
            _ = outputs[0].GetTensorDataAsSpan<float>()[0];
        }

        void RunVehicle(int batch)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, batch * format.Length), format.Shape(batch));
            using var first = backbone.Session.Run(runOptions, [backbone.InputName], [value], [backbone.OutputName]);
            var length = (int)head.InputItemLength;
            first[0].GetTensorDataAsSpan<float>().CopyTo(features);
            using var headInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, features.AsMemory(0, batch * length), [batch, length]);
            using var outputs = head.Session.Run(runOptions, [head.InputName], [headInput], headOutputs);
            _ = outputs[0].GetTensorDataAsSpan<float>()[0];
        }

        foreach (var (name, run) in new (string, Action<int>)[] { (BenchmarkContext.Embedding, RunEmbedding), (BenchmarkContext.VehicleType, RunVehicle) })
        {
            var byBatch = new SortedDictionary<int, double>();
            figures.RawBatchMs[name] = byBatch;
            foreach (var batch in context.BatchSizes)
            {
                var iterations = context.Quick ? 3 : Math.Max(6, 48 / batch);
                for (var i = 0; i < (context.Quick ? 1 : 3); i++)
                {
                    run(batch);
                }

                var samples = new List<double>(iterations);
                for (var i = 0; i < iterations; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var started = Stopwatch.GetTimestamp();
                    run(batch);
                    samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                var summary = new Summary(samples);
                byBatch[batch] = summary.Median;
                result.Row(name, batch.ToString(Fmt.Culture), summary.MedianIqr(), Fmt.F(summary.Median / batch), Fmt.F(batch * 1000.0 / summary.Median));
            }
        }

        result.Notes.Add($"Sessions from OnnxModel.Load (ORT_ENABLE_ALL, sequential, IntraOpNumThreads={options.IntraOpThreads} = all cores, batch dimension made dynamic). Tensors prepared once from {context.Frames.Count} frame(s) with the scaled decode; each Run wraps the preallocated buffer in an OrtValue. Warmed up per batch size; {(context.Quick ? "3" : "max(6, 48/batch)")} runs each; median (p25–p75).");
        result.Notes.Add("vehicle-type = backbone Run + copy of the 512 features + head Run (logits; no softmax/top-k): what ModelPipeline.Execute runs.");
        return Task.FromResult(result);
    }

    private static OnnxModel Load(ModelVersion model, InferenceOptions options) =>
        OnnxModel.Load(model.Id, model.OnnxPath, model.Manifest.Input?.Name, model.Manifest.Output?.Name, model.Manifest.DynamicBatch, options, optimizedCachePath: null);
}
