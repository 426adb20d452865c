using Microsoft.ML.OnnxRuntime;
using SmartCity.Inference;
using SmartCity.Inference.Imaging;
using SmartCity.Inference.Models;
using SmartCity.Inference.Runtime;

namespace SmartCity.Benchmarks;

/// <summary>
/// The raw ONNX Runtime baseline: the sessions the engine creates (<see cref="OnnxModel.Load"/>:
/// same options, same dynamic-batch rewrite), tensors prepared once from the frames, and one
/// <see cref="OrtValue"/> over a preallocated buffer per Run. vehicle-type is the backbone Run,
/// the copy of its features and the head Run, as <c>ModelPipeline</c> does (no softmax, no top-k).
/// </summary>
public sealed class RawRunner : IDisposable
{
    private readonly OnnxModel _backbone;
    private readonly OnnxModel _head;
    private readonly RunOptions _runOptions = new();
    private readonly TensorFormat _format;
    private readonly float[] _input;
    private readonly float[] _features;
    private readonly string[] _headOutputs;

    public RawRunner(BenchmarkContext context, int maxBatch)
    {
        Options = new InferenceOptions { ModelsPath = context.ModelsPath };
        var embedding = context.Repository.Get(BenchmarkContext.Embedding);
        var vehicle = context.Repository.Get(BenchmarkContext.VehicleType);
        var backbone = vehicle.Backbone ?? embedding;
        _backbone = Load(backbone, Options);
        _head = Load(vehicle, Options);
        _format = new TensorFormat(backbone.ImageInput);
        _input = new float[maxBatch * _format.Length];
        var preprocessor = new ImagePreprocessor(Options.MaxPixels);
        for (var i = 0; i < maxBatch; i++)
        {
            preprocessor.Preprocess(context.Frames[i % context.Frames.Count].Bytes, _format, _input.AsSpan(i * _format.Length, _format.Length));
        }

        _features = new float[maxBatch * _head.InputItemLength];
        _headOutputs = [.. vehicle.Heads.Select(h => h.Name ?? _head.OutputName)];
    }

    public InferenceOptions Options { get; }

    /// <summary>One Run of the named model (<see cref="BenchmarkContext.Embedding"/> or <see cref="BenchmarkContext.VehicleType"/>).</summary>
    public void Run(string model, int batch)
    {
        if (model == BenchmarkContext.Embedding)
        {
            RunEmbedding(batch);
        }
        else
        {
            RunVehicle(batch);
        }
    }

    private void RunEmbedding(int batch)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, batch * _format.Length), _format.Shape(batch));
        using var outputs = _backbone.Session.Run(_runOptions, [_backbone.InputName], [value], [_backbone.OutputName]);
        _ = outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    private void RunVehicle(int batch)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, batch * _format.Length), _format.Shape(batch));
        using var first = _backbone.Session.Run(_runOptions, [_backbone.InputName], [value], [_backbone.OutputName]);
        var length = (int)_head.InputItemLength;
        first[0].GetTensorDataAsSpan<float>().CopyTo(_features);
        using var headInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _features.AsMemory(0, batch * length), [batch, length]);
        using var outputs = _head.Session.Run(_runOptions, [_head.InputName], [headInput], _headOutputs);
        _ = outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    private static OnnxModel Load(ModelVersion model, InferenceOptions options) =>
        OnnxModel.Load(model.Id, model.OnnxPath, model.Manifest.Input?.Name, model.Manifest.Output?.Name, model.Manifest.DynamicBatch, options, optimizedCachePath: null);

    public void Dispose()
    {
        _runOptions.Dispose();
        _backbone.Dispose();
        _head.Dispose();
    }
}
